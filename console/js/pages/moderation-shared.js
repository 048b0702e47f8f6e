import { h, table } from '../dom.js';
import { dateTime } from '../format.js';

// What the moderation pages share: their sub-navigation, verdict colours and badges, and the
// table of moderated items (a batch's items and the review queue show the same columns).

/** Verdicts and "not classified yet", mildest first: [key, name, colour] (Okabe–Ito, colour-blind safe). */
export const VERDICT_PARTS = [
  ['allow', 'Allow', '#009E73'],
  ['review', 'Review', '#E69F00'],
  ['block', 'Block', '#D55E00'],
  ['pending', 'Pending', '#BBBBBB'],
];

export const KINDS = [
  ['blog', 'Blog post'],
  ['review', 'Course review'],
  ['subtitle_suggestion', 'Subtitle suggestion'],
];
const KIND_LABELS = Object.fromEntries(KINDS);

const SECTIONS = [
  ['/moderation', 'Batches'],
  ['/moderation/review', 'Review queue'],
  ['/moderation/models', 'Model versions'],
];

/** Links between the moderation pages; `here` is the one shown. */
export function moderationNav(here) {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': 'Content moderation' },
    h('ul', {}, SECTIONS.map(([href, label]) => h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : undefined }, label)))),
  );
}

export const verdictBadge = (verdict) => h('span', { class: `verdict verdict-${verdict ?? 'pending'}` }, verdict ?? 'pending');

/** A probability (0–1) with its percentage: "0.934 (93.4 %)". */
export const probability = (p) => `${p.toFixed(3)} (${(p * 100).toFixed(1)} %)`;

const PROFANITY = { 1: 'a blocking term', 0.5: 'a term for review', 0: 'no term' };

function scoresCell(scores) {
  if (!scores) return '—';
  return h(
    'ul',
    { class: 'plain' },
    h('li', {}, `P(spam) ${probability(scores.spamProbability)}`),
    h('li', {}, `Profanity ${scores.profanity} (${PROFANITY[scores.profanity] ?? '0–1'})`),
  );
}

function matchText(m) {
  const how = m.evasions.length ? `disguised by ${m.evasions.join(', ')}` : 'written plainly';
  return [h('q', {}, m.term), ` (${m.list}, ${m.severity}; ${how})`];
}

function reasonsCell(reasons) {
  if (!reasons) return '—';
  const { matches, rules, model } = reasons;
  return h(
    'ul',
    { class: 'plain reasons' },
    matches.length ? matches.map((m) => h('li', {}, 'Matched ', matchText(m))) : h('li', {}, 'No listed term matched'),
    h('li', {}, `Rules: ${rules.verdict}`),
    h('li', {}, `Model v${model.version}: P(spam) ${(model.spamProbability * 100).toFixed(1)} % → ${model.verdict}`),
  );
}

/**
 * Moderated items with verdict, scores and reasons. `action(item)` adds a last column (the review
 * queue's buttons); without it the column shows reviewers' label.
 */
export function itemsTable(caption, items, { action, className = 'items' } = {}) {
  const headers = ['Item', 'Kind', 'Text', 'Verdict', 'Scores (probability 0–1)', 'Reasons', action ? 'Label as' : 'Label'];
  const rows = items.map((item) =>
    h(
      'tr',
      { 'data-item-id': item.itemId },
      h('th', { scope: 'row' }, item.itemId, item.authorId ? h('div', { class: 'muted' }, `by ${item.authorId}`) : null),
      h('td', {}, KIND_LABELS[item.kind] ?? item.kind),
      h('td', { class: 'text' }, item.text),
      h('td', {}, verdictBadge(item.verdict), item.classifiedAt ? h('div', { class: 'muted' }, dateTime(item.classifiedAt)) : null),
      h('td', {}, scoresCell(item.scores)),
      h('td', {}, reasonsCell(item.reasons)),
      h('td', {}, action ? action(item) : (item.label ?? '—')),
    ),
  );
  return table(caption, headers, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length }, 'None.')), { class: className });
}
