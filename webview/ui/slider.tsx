// A native range input styled with theme variables (ui.css): the toolkit has no slider.
// Arrow keys, Home/End and PageUp/PageDown come with the native control.

import './ui.css';

interface SliderProps {
  label: string; // accessible name and visible caption
  min: number;
  max: number;
  step?: number;
  value: number;
  valueText: string; // what the readout shows and screen readers announce, e.g. "Layer 6"
  onInput: (value: number) => void; // every move while dragging
  onCommit?: (value: number) => void; // on release (the native change event)
  disabled?: boolean;
}

export function Slider({ label, min, max, step = 1, value, valueText, onInput, onCommit, disabled = false }: SliderProps) {
  const read = (event: Event) => Number((event.currentTarget as HTMLInputElement).value);
  return (
    <label class="slider">
      <span class="control__caption">{label}</span>
      <input
        type="range"
        class="slider__input"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-label={label}
        aria-valuetext={valueText}
        onInput={(event) => onInput(read(event))}
        onChange={(event) => onCommit?.(read(event))}
      />
      <output class="slider__value" aria-hidden="true">
        {valueText}
      </output>
    </label>
  );
}
