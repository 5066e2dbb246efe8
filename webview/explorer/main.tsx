// Entry of the explorer webview bundle (dist/webview/explorer.js + explorer.css).
import 'uplot/dist/uPlot.min.css';
import './explorer.css';
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('root')!);
