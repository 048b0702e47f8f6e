import { getJson } from '../api.js';
import { fill, h, poll } from '../dom.js';
import { ageElement, consolePath, progressBar, statusBadge } from '../format.js';

/** A section listing a pipeline's recent jobs of one workflow type, refreshed every 2 s. */
export function recentJobs({ title, pipeline, type, signal }) {
  const body = h('tbody');
  const section = h(
    'section',
    { 'aria-labelledby': `recent-${pipeline}` },
    h('h2', { id: `recent-${pipeline}` }, title),
    h('table', {}, h('thead', {}, h('tr', {}, ['Job', 'Status', 'Progress', 'Started'].map((label) => h('th', { scope: 'col' }, label)))), body),
  );
  const refresh = async () => {
    const page = await getJson(`/api/runs?pipeline=${pipeline}&limit=20`, { signal });
    const runs = page.items.filter((run) => run.type === type);
    fill(
      body,
      runs.length
        ? runs.map((run) => {
            const href = consolePath(run.links.job);
            return h(
              'tr',
              {},
              h('th', { scope: 'row' }, href ? h('a', { href }, run.businessKey ?? run.workflowId) : run.workflowId),
              h('td', {}, statusBadge(run.status), run.statusDetail ? h('span', { class: 'muted' }, ` ${run.statusDetail.replaceAll('_', ' ')}`) : null),
              h('td', {}, run.progress ? progressBar(run.progress.done, run.progress.total, run.progress.unit, `Progress of ${run.workflowId}`) : '—'),
              h('td', {}, ageElement(run.startedAt)),
            );
          })
        : h('tr', {}, h('td', { colspan: 4 }, 'None yet.')),
    );
  };
  // The list is secondary: its failures never take the page down.
  void poll(2000, signal, refresh, () => {}).catch(() => fill(body, h('tr', {}, h('td', { colspan: 4 }, 'Could not load the list.'))));
  return section;
}
