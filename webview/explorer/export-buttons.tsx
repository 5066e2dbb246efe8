// Every panel's Copy Image and Save Data. The image is the panel's canvases (a panel may have several,
// stacked), or for a panel drawn without a canvas its DOM (dom-image.ts), on the theme's background, so it reads once pasted elsewhere; it goes to the clipboard, or,
// when the webview may not write images there, to a PNG file through the host's save dialog. The data
// is the very view the panel drew, with the prompt, the model and the decoding settings (protocol/export.ts),
// saved as JSON through the host's save dialog.

import { useRef, useState } from 'preact/hooks';
import { exportFileName, exportOf, type PanelData } from '../../src/protocol/export-format';
import type { ExplorerMessage } from '../../src/protocol/explorer';
import type { SessionView } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import { domCanvas } from './dom-image';
import { readPalette } from './theme';

interface ExportProps {
  session: SessionView;
  data: PanelData | null; // null until the panel has something to save
  post: (message: ExplorerMessage) => void;
  image?: 'canvas' | 'dom'; // the picture: the panel's canvases (default), or the panel's DOM (dom-image.ts) for one drawn without a canvas
}

export function ExportButtons({ session, data, post, image = 'canvas' }: ExportProps) {
  const box = useRef<HTMLDivElement>(null);
  const [said, setSaid] = useState('');
  const copy = async () => {
    const section = box.current?.closest('section');
    const canvases = [...(section?.querySelectorAll('canvas') ?? [])].filter((canvas) => canvas.width > 0 && canvas.height > 0);
    if (!data || !section || (image === 'canvas' && canvases.length === 0)) return setSaid('Nothing drawn to copy yet.');
    let picture: HTMLCanvasElement;
    try {
      picture = image === 'dom' ? await domCanvas(section, readPalette().background) : composite(canvases);
    } catch {
      return setSaid('The panel could not be drawn as an image here; Save Data still works.');
    }
    try {
      const blob = await new Promise<Blob | null>((resolve) => picture.toBlob(resolve, 'image/png'));
      if (!blob) throw new Error('the canvas gave no PNG');
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
      setSaid('Image copied to the clipboard.');
    } catch {
      post({ type: 'saveImage', fileName: exportFileName(data, 'png'), png: picture.toDataURL('image/png').slice('data:image/png;base64,'.length) });
      setSaid('The clipboard took no image here: choose where to save it as a PNG file.');
    }
  };
  const save = () => {
    if (!data) return;
    post({ type: 'saveData', fileName: exportFileName(data, 'json'), data: exportOf(session, data, new Date()) });
    setSaid('Choose where to save the data (JSON).');
  };
  return (
    <div class="row export" ref={box} role="group" aria-label="Export">
      <Button appearance="secondary" disabled={!data} onClick={() => void copy()}>
        Copy Image
      </Button>
      <Button appearance="secondary" disabled={!data} onClick={save}>
        Save Data
      </Button>
      <span class="hint" role="status">
        {said}
      </span>
    </div>
  );
}

/** The canvases stacked top to bottom at their own pixel size, on the theme's background. */
function composite(canvases: HTMLCanvasElement[]): HTMLCanvasElement {
  const out = document.createElement('canvas');
  out.width = Math.max(...canvases.map((canvas) => canvas.width));
  out.height = canvases.reduce((sum, canvas) => sum + canvas.height, 0);
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = readPalette().background;
  ctx.fillRect(0, 0, out.width, out.height);
  let y = 0;
  for (const canvas of canvases) {
    ctx.drawImage(canvas, 0, y);
    y += canvas.height;
  }
  return out;
}
