import { Label, ProgressBar as AriaProgressBar } from 'react-aria-components';

export function ProgressBar({ label, value, valueText }: { label: string; value: number | undefined; valueText?: string }) {
  return (
    <AriaProgressBar className="progress" value={value ?? 0} isIndeterminate={value === undefined} valueLabel={valueText}>
      {({ percentage, valueText: text }) => (
        <>
          <div className="progress-labels"><Label>{label}</Label><span className="progress-value">{text}</span></div>
          <div className="progress-track"><div className="progress-fill" style={{ inlineSize: `${value === undefined ? 30 : percentage}%` }} /></div>
        </>
      )}
    </AriaProgressBar>
  );
}

