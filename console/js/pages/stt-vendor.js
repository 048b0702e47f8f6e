import { getOptionalJson } from '../api.js';
import { fill, h, poll } from '../dom.js';
import { dateTime, facts } from '../format.js';

const gateText = (gate) => (gate.open ? 'open' : `closed until ${dateTime(gate.retryAt)}${gate.reason ? ` (${gate.reason})` : ''}`);

/**
 * The vendor's shared state (GET /api/stt/vendor): jobs in flight against the cap the workers
 * learned, the gates every worker respects, the last 429, submits whose answer was lost. Hidden
 * when the API does not offer it.
 */
export function vendorPanel(signal) {
  const body = h('div');
  const section = h('section', { class: 'vendor', 'aria-labelledby': 'vendor-title', hidden: true }, h('h2', { id: 'vendor-title' }, 'Vendor'), body);
  const refresh = async () => {
    const v = await getOptionalJson('/api/stt/vendor', { signal });
    if (!v) {
      section.hidden = true;
      return false;
    }
    section.hidden = false;
    fill(
      body,
      facts([
        ['Vendor', v.vendor],
        ['Jobs in flight', `${v.inFlight} of ${v.cap.learned} (learned limit; configured ${v.cap.configured})`],
        ['Submit gate', h('span', { class: v.gates.submit.open ? 'good' : 'bad' }, gateText(v.gates.submit))],
        ['All requests gate', h('span', { class: v.gates.all.open ? 'good' : 'bad' }, gateText(v.gates.all))],
        ['Last 429', v.last429 ? `${dateTime(v.last429.at)}: ${v.last429.code} (${v.last429.class})` : 'none'],
        ['Submits in doubt', v.submitsInDoubt > 0 ? h('span', { class: 'bad' }, `${v.submitsInDoubt}: sent, answer lost, sent again; the vendor may have run that audio twice`) : 'none'],
      ]),
    );
  };
  // The panel is an extra: its failures never take the page down.
  void poll(2000, signal, refresh, () => {}).catch(() => (section.hidden = true));
  return section;
}
