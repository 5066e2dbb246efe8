// A picture of a panel drawn with the DOM (Generation's bars, the Q/K/V strips), for Copy Image: the
// panel is cloned with every element's computed style written inline (so the clone needs no style
// sheet), its controls left out (buttons, fields and the export row are for using the panel, not for
// a picture of it), wrapped in an SVG foreignObject and drawn on a canvas through an <img> of a data:
// URL — what the webview's CSP allows for images, with no library. Canvases inside come along as images.

const CONTROLS = 'vscode-button, vscode-text-field, vscode-dropdown, vscode-checkbox, button, input, select, .export';

/** The panel `root` as a canvas at the screen's pixel ratio, on `background`. */
export async function domCanvas(root: HTMLElement, background: string): Promise<HTMLCanvasElement> {
  const { width } = root.getBoundingClientRect();
  const clone = styledClone(root);
  const height = measuredHeight(clone, width);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}">` +
    `<foreignObject x="0" y="0" width="100%" height="100%">${new XMLSerializer().serializeToString(clone)}</foreignObject></svg>`;
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const ratio = window.devicePixelRatio || 1;
  const out = document.createElement('canvas');
  out.width = Math.ceil(width * ratio);
  out.height = Math.ceil(height * ratio);
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(ratio, ratio);
  ctx.drawImage(image, 0, 0, width, height);
  ctx.getImageData(0, 0, 1, 1); // throws if the browser took the picture as foreign (a tainted canvas gives no PNG): the caller says so
  return out;
}

/** A deep copy of `root` whose elements carry their computed styles inline; its controls are removed. */
function styledClone(root: HTMLElement): HTMLElement {
  const clone = root.cloneNode(true) as HTMLElement;
  const originals = [root, ...root.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, i) => {
    const copy = copies[i] as HTMLElement;
    const style = getComputedStyle(original);
    // A box's height is left to its content, which loses the controls; a leaf keeps its own (a Q/K/V cell).
    const leaf = original.childElementCount === 0;
    for (const name of style) if (leaf || !HEIGHTS.has(name)) copy.style.setProperty(name, style.getPropertyValue(name));
    if (original instanceof HTMLCanvasElement && original.width > 0) copy.replaceWith(canvasImage(original, copy.style.cssText));
  });
  clone.style.margin = '0';
  for (const control of clone.querySelectorAll(CONTROLS)) control.remove();
  return clone;
}

const HEIGHTS = new Set(['height', 'block-size']);

/** The clone's height once laid out at `width`, off screen (its styles are inline: it lays out as it will be drawn). */
function measuredHeight(clone: HTMLElement, width: number): number {
  const holder = document.createElement('div');
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText = `position: fixed; left: -100000px; top: 0; width: ${width}px; visibility: hidden;`;
  holder.append(clone);
  document.body.append(holder);
  const height = clone.getBoundingClientRect().height;
  holder.remove();
  return Math.max(1, height);
}

function canvasImage(canvas: HTMLCanvasElement, style: string): HTMLImageElement {
  const image = document.createElement('img');
  image.src = canvas.toDataURL('image/png');
  image.setAttribute('style', style);
  return image;
}
