/**
 * Inspector fields. Text fields keep a draft while focused, show their check live (red border and
 * message), and commit on blur or Enter — one undo step per commit; Escape reverts. A value a
 * blocking check refuses (one the file schema would reject) is never committed: it stays in the field. Number fields
 * refuse anything that is not an integer in range: the model never gets structural garbage.
 */
import type { ReactNode } from 'react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldCheck } from './fieldChecks.ts';

interface Labelled {
  label: string;
  testId: string;
  hint?: string;
}

function FieldShell({ label, id, error, hint, children }: { label: string; id: string; error: string | null; hint?: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" role="alert" id={`${id}-err`}>
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

export function TextField({
  label,
  testId,
  hint,
  value,
  onCommit,
  check,
  placeholder,
  mono,
}: Labelled & { value: string; onCommit: (v: string) => void; check?: FieldCheck; placeholder?: string; mono?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [focused, setFocused] = useState(false);
  // A draft its own (blocking) check refuses is held in the field, red, instead of being committed.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!focused && !held) setDraft(value);
  }, [value, focused, held]);
  const skipCommit = useRef(false);
  const errKey = check ? check(draft) : null;
  const commit = () => {
    if (errKey && check?.blocking) {
      setHeld(draft !== value);
      return;
    }
    setHeld(false);
    if (draft !== value) onCommit(draft);
  };
  return (
    <FieldShell label={label} id={id} error={errKey ? t(errKey as 'field.required') : null} hint={hint}>
      <input
        id={id}
        data-testid={testId}
        className={mono ? 'mono' : undefined}
        value={draft}
        placeholder={placeholder}
        aria-invalid={errKey ? true : undefined}
        aria-describedby={errKey ? `${id}-err` : undefined}
        spellCheck={false}
        onFocus={() => setFocused(true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          setFocused(false);
          if (skipCommit.current) skipCommit.current = false;
          else commit();
        }}
        onKeyDown={(e) => {
          // Enter commits through the blur handler, so one edit is exactly one undo step.
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          else if (e.key === 'Escape') {
            setDraft(value);
            setHeld(false);
            setFocused(false);
            skipCommit.current = true;
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
    </FieldShell>
  );
}

export function NumberField({
  label,
  testId,
  hint,
  value,
  onCommit,
  min,
  max,
  optional,
}: Labelled & { value: number | undefined; onCommit: (v: number | undefined) => void; min: number; max: number; optional?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const shown = value === undefined ? '' : String(value);
  const [draft, setDraft] = useState(shown);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(shown);
  }, [shown, focused]);
  const parse = (text: string): { ok: true; v: number | undefined } | { ok: false; key: string } => {
    const s = text.trim();
    if (s === '') return optional ? { ok: true, v: undefined } : { ok: false, key: 'field.required' };
    if (!/^\d+$/.test(s)) return { ok: false, key: 'field.notNumber' };
    const n = Number(s);
    if (n < min || n > max) return { ok: false, key: 'field.range' };
    return { ok: true, v: n };
  };
  const skipCommit = useRef(false);
  const p = parse(draft);
  const error = p.ok ? null : t(p.key as 'field.range', { min, max });
  const commit = () => {
    if (p.ok && p.v !== value) onCommit(p.v);
    if (!p.ok) setDraft(shown);
  };
  return (
    <FieldShell label={label} id={id} error={error} hint={hint}>
      <input
        id={id}
        data-testid={testId}
        inputMode="numeric"
        value={draft}
        aria-invalid={error ? true : undefined}
        onFocus={() => setFocused(true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          setFocused(false);
          if (skipCommit.current) {
            skipCommit.current = false;
            setDraft(shown);
          } else commit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && p.ok) (e.target as HTMLInputElement).blur();
          else if (e.key === 'Escape') {
            setDraft(shown);
            skipCommit.current = true;
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
    </FieldShell>
  );
}

export function SelectField<V extends string>({
  label,
  testId,
  hint,
  value,
  options,
  onChange,
}: Labelled & { value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void }) {
  const id = useId();
  return (
    <FieldShell label={label} id={id} error={null} hint={hint}>
      <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField({ label, testId, hint, checked, onChange }: Labelled & { checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" data-testid={testId} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}

/** One meaningful value of a sysctl with its (translated) meaning. */
export interface SysctlChoice {
  value: number;
  label: string;
}

/**
 * A sysctl as a select: "unset (system default)" plus the values that mean something. A value the
 * design holds outside the list (e.g. arp_ignore=3 from a file) is still shown and kept.
 */
export function SysctlField({
  label,
  testId,
  hint,
  value,
  choices,
  onChange,
}: Labelled & { value: number | undefined; choices: readonly SysctlChoice[]; onChange: (v: number | undefined) => void }) {
  const { t } = useTranslation();
  const listed = value === undefined || choices.some((c) => c.value === value);
  const options = [
    { value: '', label: t('inspector.sysctlUnset') },
    ...choices.map((c) => ({ value: String(c.value), label: `${c.value} — ${c.label}` })),
    ...(listed ? [] : [{ value: String(value), label: String(value) }]),
  ];
  return (
    <SelectField<string>
      label={label}
      testId={testId}
      hint={hint}
      value={value === undefined ? '' : String(value)}
      options={options}
      onChange={(v) => onChange(v === '' ? undefined : Number(v))}
    />
  );
}
