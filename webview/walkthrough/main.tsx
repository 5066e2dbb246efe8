// Entry of the walkthrough view's bundle (dist/webview/walkthrough.js + walkthrough.css).
import '../ui/base.css';
import './walkthrough.css';
import { render } from 'preact';
import { Walkthrough } from './app';

render(<Walkthrough />, document.getElementById('root')!);
