// Whether to animate. Not when the system asks for less motion (prefers-reduced-motion), nor when
// VS Code's own setting does (workbench.reduceMotion puts vscode-reduce-motion on the webview's body).

export function reducedMotion(): boolean {
  return matchMedia('(prefers-reduced-motion: reduce)').matches || document.body.classList.contains('vscode-reduce-motion');
}
