// The tree, build dir, config and arch the engine uses; click to change the arch or config.
import * as vscode from 'vscode';

export class TreeStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('overlayLens.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Overlay Lens';
    this.item.command = 'overlayLens.configure';
    this.show('$(sync~spin) Overlay Lens', 'Opening the kernel tree…');
  }

  show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
