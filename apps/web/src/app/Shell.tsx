import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type ReactNode } from 'react';
import { Dialog, Link, Modal, ModalOverlay } from 'react-aria-components';
import { useIntl } from 'react-intl';
import type { MessageKey } from '../i18n/index.ts';
import { api, type Session } from '../lib/api.ts';
import {
  Badge, BoltIcon, Button, ChartIcon, ChatIcon, CheckIcon, GlobeIcon, HeartIcon, KeyIcon, ListIcon, LogoutIcon, MailIcon, SegmentIcon,
  SettingsIcon, ShieldIcon, TransferIcon, UserText, UsersIcon, AlertIcon, Select, MenuIcon, CloseIcon,
} from '../ui/index.ts';
import { PrefsDialog } from './PrefsDialog.tsx';
import type { RoutePath } from './routes.ts';
import { SessionContext } from './session.ts';

interface NavItem { href: RoutePath; label: MessageKey; icon: ReactNode; soon?: boolean; roles?: Session['role'][]; children?: NavItem[] }

// Managers run engagement; channel credentials and the sending policy stay with admins (server access.ts).
const ENGAGEMENT: NavItem[] = [
  { href: '/engagement/followups', label: 'nav.followups', icon: <CheckIcon /> },
  { href: '/engagement/automations', label: 'nav.automations', icon: <BoltIcon /> },
  { href: '/engagement/templates', label: 'nav.templates', icon: <ListIcon /> },
  { href: '/engagement/messages', label: 'nav.messages', icon: <MailIcon /> },
  { href: '/settings/messaging', label: 'nav.messagingSettings', icon: <SettingsIcon />, roles: ['owner', 'admin'] },
];

const MAIN: NavItem[] = [
  { href: '/customers', label: 'nav.customers', icon: <UsersIcon /> },
  { href: '/segments', label: 'nav.segments', icon: <SegmentIcon /> },
  { href: '/import', label: 'nav.import', icon: <TransferIcon />, roles: ['owner', 'admin', 'manager', 'analyst'] },
  { href: '/feedback/surveys', label: 'nav.feedback', icon: <ChatIcon /> },
  { href: '/complaints', label: 'nav.complaints', icon: <AlertIcon /> },
  { href: '/loyalty', label: 'nav.loyalty', icon: <HeartIcon /> },
  { href: '/engagement', label: 'nav.engagement', icon: <BoltIcon />, children: ENGAGEMENT },
  { href: '/insights', label: 'nav.insights', icon: <ChartIcon />, soon: true },
];
const ADMIN: NavItem[] = [
  { href: '/settings', label: 'nav.settings', icon: <SettingsIcon /> },
  { href: '/settings/members', label: 'nav.members', icon: <UsersIcon /> },
  { href: '/settings/api-keys', label: 'nav.apiKeys', icon: <KeyIcon />, roles: ['owner', 'admin'] },
  { href: '/settings/audit-log', label: 'nav.audit', icon: <ShieldIcon />, roles: ['owner', 'admin'] },
  { href: '/account/security', label: 'nav.accountSecurity', icon: <KeyIcon /> },
];

export function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const intl = useIntl();
  const t = (id: MessageKey) => intl.formatMessage({ id });
  const client = useQueryClient();
  const path = useLocation({ select: (location) => location.pathname.replace(/\/+$/, '') || '/' });
  const navigate = useNavigate();
  const [prefsOpen, setPrefsOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  const handleSignOut = async () => {
    await api.logout().catch(() => undefined);
    // Null the session query the app is watching, then drop the rest: clearing everything first
    // left the app bound to the removed query, still showing the signed-in screen.
    client.setQueryData(['session'], null);
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  };

  const handleSwitch = async (slug: string) => {
    if (slug === session.workspace.slug) return;
    const next = await api.switchWorkspace(slug);
    // Everything cached belongs to the previous workspace.
    client.clear();
    client.setQueryData(['session'], next);
    void navigate({ to: '/customers' });
  };

  const renderItem = (item: NavItem) => {
    if (item.roles && !item.roles.includes(session.role)) return null;
    const active = path === item.href || (item.href !== '/settings' && path.startsWith(`${item.href}/`));
    if (item.children) {
      const id = `nav-group-${item.href.slice(1)}`;
      return (
        <li key={item.href} className="nav-group">
          <span className="nav-group-label" id={id}>
            {item.icon}
            <span className="nav-label">{t(item.label)}</span>
          </span>
          <ul className="nav-list nav-sub" aria-labelledby={id}>{item.children.map(renderItem)}</ul>
        </li>
      );
    }
    if (item.soon) {
      return (
        <li key={item.href}>
          <span className="nav-link nav-soon" aria-disabled="true">
            {item.icon}
            <span className="nav-label">{t(item.label)}</span>
            <Badge>{t('nav.comingSoon')}</Badge>
          </span>
        </li>
      );
    }
    return (
      <li key={item.href}>
        <Link href={item.href} className="nav-link" aria-current={active ? 'page' : undefined}>
          {item.icon}
          <span className="nav-label">{t(item.label)}</span>
        </Link>
      </li>
    );
  };

  const workspaceSwitch = session.workspaces.length > 1 ? (
    <Select
      label={t('auth.workspace')}
      className="workspace-switch"
      value={session.workspace.slug}
      onChange={(slug) => void handleSwitch(slug)}
      options={session.workspaces.map((w) => ({ id: w.slug, label: w.name }))}
    />
  ) : (
    <span className="workspace-name"><UserText>{session.workspace.name}</UserText></span>
  );
  const navLists = (
    <>
      <ul className="nav-list">{MAIN.map(renderItem)}</ul>
      <h2 className="nav-heading">{t('nav.administration')}</h2>
      <ul className="nav-list">{ADMIN.map(renderItem)}</ul>
    </>
  );

  return (
    <SessionContext.Provider value={session}>
    <div className="shell">
      <a href="#main" className="skip-link">{t('app.skipToContent')}</a>
      <header className="topbar">
        <Button variant="ghost" className="menu-button" onPress={() => setMenuOpen(true)} aria-label={t('nav.menu')} aria-expanded={menuOpen}>
          <MenuIcon size={22} />
        </Button>
        <Link href="/customers" className="brand">
          <span className="brand-mark" aria-hidden="true">و</span>
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        <div className="hide-narrow">{workspaceSwitch}</div>
        <div className="topbar-end">
          <Button variant="ghost" onPress={() => setPrefsOpen(true)}>
            <GlobeIcon />
            <span className="hide-narrow">{t(`lang.${intl.locale.slice(0, 2)}` as MessageKey)}</span>
            <span className="visually-hidden">{t('prefs.title')}</span>
          </Button>
          <span className="user-name hide-narrow" title={session.account.email} translate="no"><UserText>{session.account.displayName}</UserText></span>
          <Button variant="ghost" onPress={handleSignOut} aria-label={t('auth.signOut')}>
            <LogoutIcon />
          </Button>
        </div>
      </header>
      <nav className="sidebar" aria-label={t('nav.menu')}>{navLists}</nav>
      {/* Phones: the same menu in a drawer from the start edge, closed again by any navigation. */}
      <ModalOverlay className="drawer-overlay" isOpen={menuOpen} onOpenChange={setMenuOpen} isDismissable>
        <Modal className="drawer">
          <Dialog className="drawer-dialog" aria-label={t('nav.menu')}>
            <div className="drawer-head">
              <div className="drawer-who">
                {workspaceSwitch}
                <span className="muted"><UserText>{session.account.displayName}</UserText></span>
              </div>
              <Button variant="ghost" onPress={() => setMenuOpen(false)} aria-label={t('common.close')}><CloseIcon /></Button>
            </div>
            <nav aria-label={t('nav.menu')}>{navLists}</nav>
          </Dialog>
        </Modal>
      </ModalOverlay>
      <main id="main" className="main" tabIndex={-1}>{children}</main>
      <PrefsDialog isOpen={prefsOpen} onOpenChange={setPrefsOpen} />
    </div>
    </SessionContext.Provider>
  );
}
