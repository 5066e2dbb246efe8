// Entry of the explorer webview bundle (dist/webview/explorer.js + explorer.css, which esbuild gathers
// from the CSS imported here and below, uPlot's included).
//
// Where things are: app.tsx lays out the tabs and asks the host for views; store.ts, host-data.ts and
// ui-state.ts hold the state rules (pure, unit-tested); one file per panel (chips, attention + heatmap,
// positions + scatter, qkv, lens, generation, token-table, status, sentence); theme.ts reads the colours.
// Controls come only through ../ui (the toolkit wrapper and the slider); host I/O through ../common.
import '../ui/base.css';
import 'uplot/dist/uPlot.min.css';
import './explorer.css';
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('root')!);
