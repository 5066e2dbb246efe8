// Our only door to the VS Code webview controls. Everything else imports these Preact components,
// never the toolkit itself, so swapping libraries touches this one file.
//
// @vscode/webview-ui-toolkit was archived upstream in January 2025; its successor in many extensions is
// @vscode-elements/elements. Both render theme-aware custom elements, so the swap is: change the tag names
// and event wiring below. The toolkit has no slider, hence the native <input type=range> in slider.tsx.

import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { ComponentChildren, h } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

// Only what we use: each registration defines a custom element and ships its styles.
provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodePanels(),
  vsCodePanelTab(),
  vsCodePanelView(),
  vsCodeTextField(),
);

interface ButtonProps {
  onClick: () => void;
  children: ComponentChildren;
  appearance?: 'primary' | 'secondary' | 'icon';
  disabled?: boolean;
  label?: string; // aria-label when the visible text is not enough
  pressed?: boolean; // a toggle button's state, announced as aria-pressed
}

export function Button({ onClick, children, appearance = 'primary', disabled = false, label, pressed }: ButtonProps) {
  // A disabled toolkit button can still dispatch click on its host element; ignore it here.
  const click = () => {
    if (!disabled) onClick();
  };
  return h(
    'vscode-button',
    { appearance, disabled, onClick: click, 'aria-label': label, 'aria-pressed': pressed === undefined ? undefined : String(pressed) },
    children,
  );
}

export interface Choice {
  value: string;
  label: string;
}

interface DropdownProps {
  label: string; // the visible caption and the accessible name
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
  wide?: boolean;
}

export function Dropdown({ label, value, choices, onChange, wide = false }: DropdownProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  // Options are children: set the value after they exist, or the element falls back to the first one.
  useLayoutEffect(() => {
    if (ref.current && ref.current.value !== value) ref.current.value = value;
  }, [value, choices]);
  const change = (event: Event) => {
    const next = (event.currentTarget as HTMLElement & { value: string }).value;
    if (next !== value) onChange(next);
  };
  return h(
    'label',
    { class: wide ? 'control control--wide' : 'control' },
    h('span', { class: 'control__caption' }, label),
    h(
      'vscode-dropdown',
      { ref, 'aria-label': label, onChange: change, class: wide ? 'dropdown--wide' : undefined },
      choices.map((choice) => h('vscode-option', { key: choice.value, value: choice.value, title: choice.label }, choice.label)),
    ),
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onCommit: (value: string) => void; // on Enter or leaving the field
  invalid?: boolean;
  size?: number;
  keepSpaces?: boolean; // commit the text as typed (a token's leading space matters), not trimmed
  disabled?: boolean;
}

export function TextField({ label, value, onCommit, invalid = false, size = 6, keepSpaces = false, disabled = false }: TextFieldProps) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useLayoutEffect(() => {
    if (ref.current && ref.current.value !== value) ref.current.value = value;
  }, [value]);
  const commit = (event: Event) => {
    const typed = (event.currentTarget as HTMLElement & { value: string }).value;
    onCommit(keepSpaces ? typed : typed.trim());
  };
  return h(
    'vscode-text-field',
    { ref, size, disabled, onChange: commit, 'aria-label': label, 'aria-invalid': invalid ? 'true' : undefined, class: invalid ? 'invalid' : undefined },
    label,
  );
}

export function Divider() {
  return h('vscode-divider', { role: 'separator' });
}

export interface TabSpec<Id extends string> {
  id: Id;
  title: string;
}

interface TabsProps<Id extends string> {
  label: string;
  tabs: TabSpec<Id>[];
  active: Id;
  onChange: (id: Id) => void;
  children: ComponentChildren; // the active tab's content (inactive tabs render nothing)
}

export function Tabs<Id extends string>({ label, tabs, active, onChange, children }: TabsProps<Id>) {
  const change = (event: Event) => {
    // Change events of controls inside the panels bubble up here too: only the tab strip's own count.
    if (event.target !== event.currentTarget) return;
    const id = (event.currentTarget as HTMLElement & { activeid: string }).activeid.replace(/^tab-/, '');
    const tab = tabs.find((spec) => spec.id === id);
    if (tab && tab.id !== active) onChange(tab.id);
  };
  return h(
    'vscode-panels',
    { activeid: `tab-${active}`, onChange: change, 'aria-label': label },
    tabs.map((tab) => h('vscode-panel-tab', { key: `tab-${tab.id}`, id: `tab-${tab.id}` }, tab.title)),
    tabs.map((tab) => h('vscode-panel-view', { key: `view-${tab.id}`, id: `view-${tab.id}` }, tab.id === active ? children : null)),
  );
}
