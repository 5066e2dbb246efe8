// Colours for canvas drawing, read from VS Code's theme variables (the only colour source we use),
// and re-read when VS Code switches theme (it rewrites <html style> and the body class).

import { useEffect, useState } from 'preact/hooks';

export interface Palette {
  blue: string; // ordinary tokens, negative Q/K/V values, attention weight
  red: string; // the last token, positive values
  foreground: string;
  muted: string; // labels and axes
  background: string;
  grid: string;
  focus: string; // the selected row
  font: string; // CSS font shorthand for canvas text
}

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const family = variable(style, '--vscode-font-family', 'sans-serif');
  // Fallbacks are CSS system colours, for a page opened outside VS Code.
  return {
    blue: variable(style, '--vscode-charts-blue', 'LinkText'),
    red: variable(style, '--vscode-charts-red', 'Mark'),
    foreground: variable(style, '--vscode-foreground', 'CanvasText'),
    muted: variable(style, '--vscode-descriptionForeground', 'GrayText'),
    background: variable(style, '--vscode-editor-background', 'Canvas'),
    grid: variable(style, '--vscode-panel-border', 'GrayText'),
    focus: variable(style, '--vscode-focusBorder', 'Highlight'),
    font: `11px ${family}`,
  };
}

/** The current palette; changes (and so redraws the caller) when the theme does. */
export function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const observer = new MutationObserver(() => setPalette(readPalette()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);
  return palette;
}
