// Design-system primitives on React Aria Components: labelled, keyboard-operable, RTL-ready.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Button as AriaButton, type ButtonProps as AriaButtonProps, Checkbox as AriaCheckbox, type CheckboxProps, Dialog as AriaDialog,
  FieldError, Heading, Input, Label, Link, ListBox, ListBoxItem, Modal, ModalOverlay, Popover, Select as AriaSelect, SelectValue,
  Switch as AriaSwitch, Text, TextArea, TextField as AriaTextField, type Key,
} from 'react-aria-components';
import { useIntl } from 'react-intl';
import { AlertIcon, CheckIcon, ChevronDown, CloseIcon } from './icons.tsx';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export function Button({ variant = 'secondary', className, ...props }: AriaButtonProps & { variant?: Variant }) {
  return <AriaButton {...props} className={`btn btn-${variant}${className ? ` ${String(className)}` : ''}`} />;
}

/** A link styled as a button: in-app paths go through the router, downloads stay plain links. */
export function ButtonLink({ href, children, variant = 'secondary', download }: { href: string; children: ReactNode; variant?: Variant; download?: boolean }) {
  return <Link className={`btn btn-${variant}`} href={href} download={download || undefined}>{children}</Link>;
}

export interface FieldProps {
  label: string;
  description?: string;
  errorMessage?: string;
  isRequired?: boolean;
  isDisabled?: boolean;
  isReadOnly?: boolean;
  name?: string;
  className?: string;
}

export function TextField({
  label, description, errorMessage, value, onChange, type = 'text', dir, autoComplete, multiline, inputMode, placeholder, autoFocus, ...rest
}: FieldProps & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'tel' | 'search' | 'url';
  dir?: 'ltr' | 'rtl' | 'auto';
  autoComplete?: string;
  multiline?: boolean;
  inputMode?: 'text' | 'tel' | 'email' | 'numeric' | 'search';
  placeholder?: string;
  autoFocus?: boolean;
}) {
  return (
    <AriaTextField
      {...rest}
      className={`field ${rest.className ?? ''}`}
      value={value}
      onChange={onChange}
      type={type}
      autoComplete={autoComplete}
      isInvalid={Boolean(errorMessage)}
      inputMode={inputMode}
      autoFocus={autoFocus}
    >
      <Label className="field-label">{label}</Label>
      {multiline ? <TextArea className="input" dir={dir ?? 'auto'} placeholder={placeholder} /> : <Input className="input" dir={dir ?? 'auto'} placeholder={placeholder} />}
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}

export interface Option<K extends string = string> {
  id: K;
  label: string;
}

export function Select<K extends string>({
  label, description, errorMessage, options, value, onChange, placeholder, ...rest
}: FieldProps & { options: Option<K>[]; value: K | null; onChange: (value: K) => void; placeholder?: string }) {
  // React Aria has no Persian strings: its own "Select an item" would show in English.
  const intl = useIntl();
  return (
    <AriaSelect
      {...rest}
      className={`field ${rest.className ?? ''}`}
      selectedKey={value}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key) as K)}
      isInvalid={Boolean(errorMessage)}
      placeholder={placeholder ?? intl.formatMessage({ id: 'common.selectPlaceholder' })}
    >
      <Label className="field-label">{label}</Label>
      <AriaButton className="input select-button">
        <SelectValue className="select-value" />
        <ChevronDown />
      </AriaButton>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox" items={options}>
          {(option) => (
            <ListBoxItem className="listbox-item" id={option.id} textValue={option.label}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}

export function Checkbox({ children, ...props }: Omit<CheckboxProps, 'children'> & { children: ReactNode }) {
  return (
    <AriaCheckbox {...props} className="checkbox">
      <span className="checkbox-box" aria-hidden="true"><CheckIcon size={14} /></span>
      <span>{children}</span>
    </AriaCheckbox>
  );
}

export function Switch({ children, isSelected, onChange, isDisabled }: { children: ReactNode; isSelected: boolean; onChange: (value: boolean) => void; isDisabled?: boolean }) {
  return (
    <AriaSwitch className="switch" isSelected={isSelected} onChange={onChange} isDisabled={isDisabled}>
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      <span>{children}</span>
    </AriaSwitch>
  );
}

/** A modal dialog with a title, a close button and focus trapped inside. */
export function Dialog({
  title, isOpen, onOpenChange, children, size = 'medium', isDismissable = true, role = 'dialog',
}: {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode | ((close: () => void) => ReactNode);
  size?: 'small' | 'medium' | 'large';
  isDismissable?: boolean;
  role?: 'dialog' | 'alertdialog';
}) {
  const intl = useIntl();
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable={isDismissable}>
      <Modal className={`modal modal-${size}`}>
        <AriaDialog className="dialog" role={role}>
          {({ close }) => (
            <>
              <header className="dialog-header">
                <Heading slot="title" className="dialog-title">{title}</Heading>
                <AriaButton className="icon-button" onPress={close} aria-label={intl.formatMessage({ id: 'common.close' })}><CloseIcon /></AriaButton>
              </header>
              <div className="dialog-body">{typeof children === 'function' ? children(close) : children}</div>
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

export function ConfirmDialog({
  title, body, confirmLabel, isOpen, onOpenChange, onConfirm, isPending, danger,
}: {
  title: string; body: ReactNode; confirmLabel: string; isOpen: boolean; onOpenChange: (open: boolean) => void;
  onConfirm: () => void; isPending?: boolean; danger?: boolean;
}) {
  const intl = useIntl();
  return (
    <Dialog title={title} isOpen={isOpen} onOpenChange={onOpenChange} size="small" role="alertdialog">
      {(close) => (
        <>
          <p>{body}</p>
          <div className="form-actions">
            <Button variant={danger ? 'danger' : 'primary'} onPress={onConfirm} isPending={isPending}>{confirmLabel}</Button>
            <Button onPress={close}>{intl.formatMessage({ id: 'common.cancel' })}</Button>
          </div>
        </>
      )}
    </Dialog>
  );
}

export function EmptyState({ title, children, action, icon }: { title: string; children?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="state state-empty">
      {icon && <div className="state-icon" aria-hidden="true">{icon}</div>}
      <h2 className="state-title">{title}</h2>
      {children && <div className="state-body">{children}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ title, detail, onRetry }: { title?: string; detail?: string; onRetry?: () => void }) {
  const intl = useIntl();
  return (
    <div className="state state-error" role="alert">
      <div className="state-icon" aria-hidden="true"><AlertIcon size={28} /></div>
      <h2 className="state-title">{title ?? intl.formatMessage({ id: 'common.errorTitle' })}</h2>
      {detail && <p className="state-body">{detail}</p>}
      {onRetry && <Button onPress={onRetry}>{intl.formatMessage({ id: 'common.retry' })}</Button>}
    </div>
  );
}

export function Skeleton({ lines = 3, label }: { lines?: number; label?: string }) {
  const intl = useIntl();
  return (
    <div className="skeleton" role="status" aria-label={label ?? intl.formatMessage({ id: 'app.loading' })} aria-busy="true">
      {Array.from({ length: lines }, (_, i) => <div key={i} className="skeleton-line" style={{ inlineSize: `${90 - ((i * 17) % 40)}%` }} />)}
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'bad' | 'info' | 'warn'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** User-entered text: isolated so a Latin e-mail inside Persian text (or the reverse) keeps its order. */
export function UserText({ children, ltr }: { children: ReactNode; ltr?: boolean }) {
  return <bdi dir={ltr ? 'ltr' : 'auto'}>{children}</bdi>;
}

// ---------------------------------------------------------------------------------------------
// Toasts: a polite live region; messages disappear after a while or when dismissed.

interface ToastItem { id: number; message: string; tone: 'good' | 'bad' | 'info' }
const ToastContext = createContext<(message: string, tone?: ToastItem['tone']) => void>(() => undefined);
export const useToast = () => useContext(ToastContext);

export function ToastProvider({ children }: { children: ReactNode }) {
  const intl = useIntl();
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback((message: string, tone: ToastItem['tone'] = 'good') => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-3), { id, message, tone }]);
    setTimeout(() => dismiss(id), 6000);
  }, [dismiss]);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toast-region" aria-label={intl.formatMessage({ id: 'common.notifications' })}>
        <div role="status" aria-live="polite" aria-atomic="false">
          {toasts.map((toast) => (
            <div key={toast.id} className={`toast toast-${toast.tone}`}>
              <span>{toast.message}</span>
              <AriaButton className="icon-button" aria-label={intl.formatMessage({ id: 'common.dismiss' })} onPress={() => dismiss(toast.id)}><CloseIcon size={16} /></AriaButton>
            </div>
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  );
}
