// Complaint teams: the label cases carry, their members in round-robin order and their own hours
// (or the workspace's). The week editor is the calendar's.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Checkbox, ConfirmDialog, Dialog, EmptyState, ErrorState, PlusIcon, Skeleton, Switch, TextField, UserText, useToast } from '../../ui/index.ts';
import { useCalendar } from './settings-calendar.tsx';
import { settingsApi, settingsKeys, type Team, type Week } from './complaint-settings-api.ts';
import { UnplacedError, usePathError } from './settings-parts.tsx';
import { WeekHoursEditor } from './settings-week.tsx';

export function TeamsSection({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const teams = useQuery({ queryKey: settingsKeys.teams, queryFn: settingsApi.teams });
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, staleTime: 60_000 });
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const remove = useSubmit();
  const nameOf = (id: string) => members.data?.items.find((m) => m.accountId === id)?.displayName ?? '…';
  return (
    <section className="card settings-card">
      <div className="card-head">
        <h2>{t('complaints.settings.team.title')}</h2>
        {canEdit && <Button variant="primary" onPress={() => setEditing('new')}><PlusIcon />{t('complaints.settings.team.add')}</Button>}
      </div>
      <p className="muted settings-intro">{t('complaints.settings.team.intro')}</p>
      {teams.isPending ? <Skeleton lines={4} /> : teams.isError ? <ErrorState detail={teams.error.message} onRetry={() => void teams.refetch()} /> : (
        teams.data.items.length === 0 ? <EmptyState title={t('complaints.settings.team.empty')} /> : (
          <ul className="team-list">
            {teams.data.items.map((team) => (
              <li key={team.id} className="team-item">
                <div className="team-head">
                  <strong><UserText>{team.name}</UserText></strong>
                  <bdi dir="ltr" className="muted team-key">{team.key}</bdi>
                  {team.hours ? <Badge tone="info">{t('complaints.settings.team.ownHours')}</Badge> : <Badge>{t('complaints.settings.team.workspaceHours')}</Badge>}
                </div>
                <p className="team-members">
                  {team.members.length === 0 ? <span className="muted">{t('complaints.settings.team.noMembers')}</span>
                    : <>{t('complaints.settings.team.roundRobin')} {team.members.map((m, i) => <span key={m}>{i > 0 && '، '}<UserText>{nameOf(m)}</UserText></span>)}</>}
                </p>
                {canEdit && (
                  <div className="row-actions">
                    <Button variant="ghost" onPress={() => setEditing(team)} aria-label={t('complaints.settings.team.editNamed', { name: team.name })}>{t('common.edit')}</Button>
                    <Button variant="ghost" onPress={() => setDeleting(team)} aria-label={t('complaints.settings.team.deleteNamed', { name: team.name })}>{t('common.delete')}</Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )
      )}
      {editing && <TeamDialog team={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('complaints.settings.team.deleteTitle')}
        body={deleting ? t('complaints.settings.team.deleteBody', { name: deleting.name }) : ''}
        confirmLabel={t('common.delete')}
        danger
        isPending={remove.pending}
        onConfirm={async () => {
          if (await remove.run(() => settingsApi.deleteTeam(deleting!.id))) {
            await client.invalidateQueries({ queryKey: settingsKeys.teams });
            toast(t('complaints.settings.team.deleted'));
            setDeleting(null);
          }
        }}
      />
    </section>
  );
}

function TeamDialog({ team, onClose }: { team: Team | null; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const calendar = useCalendar();
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, staleTime: 60_000 });
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [key, setKey] = useState(team?.key ?? '');
  const [name, setName] = useState(team?.name ?? '');
  const [chosen, setChosen] = useState<string[]>(team?.members ?? []);
  const [ownHours, setOwnHours] = useState(Boolean(team?.hours));
  const [hours, setHours] = useState<Week>(team?.hours ?? calendar.data?.defaultHours ?? {});
  const people = (members.data?.items ?? []).filter((m) => !m.disabled && m.role !== 'analyst');
  const handleSubmit = async () => {
    const ok = await run(async () => {
      const body = { name: name.trim(), members: chosen, hours: ownHours ? hours : null };
      if (team) await settingsApi.updateTeam(team.id, body);
      else await settingsApi.createTeam({ key: key.trim(), ...body });
      await client.invalidateQueries({ queryKey: settingsKeys.teams });
      await client.invalidateQueries({ queryKey: ['complaints', 'teams'] });
    });
    if (ok) {
      toast(t('complaints.settings.team.saved'));
      onClose();
    }
  };
  return (
    <Dialog title={team ? t('complaints.settings.team.editTitle') : t('complaints.settings.team.addTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <Form className="form" onSubmit={(e) => { e.preventDefault(); void handleSubmit(); }} validationBehavior="aria">
        <div className="form-grid">
          <TextField label={t('complaints.settings.team.name')} value={name} onChange={setName} isRequired errorMessage={errorFor('name')} />
          <TextField label={t('complaints.settings.team.key')} value={key} onChange={setKey} isRequired isReadOnly={Boolean(team)} dir="ltr"
            description={t('complaints.settings.team.keyHint')} errorMessage={errorFor('key')} />
        </div>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.team.members')}</legend>
          <p className="field-description">{t('complaints.settings.team.membersHint')}</p>
          <div className="checkbox-row">
            {people.map((m) => (
              <Checkbox key={m.accountId} isSelected={chosen.includes(m.accountId)}
                onChange={(on) => setChosen((list) => (on ? [...list, m.accountId] : list.filter((x) => x !== m.accountId)))}>
                <UserText>{m.displayName}</UserText>
              </Checkbox>
            ))}
          </div>
          {errorFor('members') && <p className="form-error">{errorFor('members')}</p>}
        </fieldset>
        <Switch isSelected={ownHours} onChange={setOwnHours}>{t('complaints.settings.team.ownHoursSwitch')}</Switch>
        {ownHours && (
          <WeekHoursEditor value={hours} onChange={setHours} weekendDays={calendar.data?.weekendDays ?? []} halfDays={calendar.data?.halfDays ?? []}
            errorFor={errorFor} path="hours" />
        )}
        <UnplacedError error={error} placed={(p) => /^(name|key|members|hours)/.test(p)} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
