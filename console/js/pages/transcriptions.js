import { field, h, select } from '../dom.js';
import { jobKeyField, problemSummary, startJobForm, uploadBody } from '../forms.js';
import { recentJobs } from './recent.js';
import { vendorPanel } from './stt-vendor.js';

/** The upload form, the vendor's state and recent transcriptions. */
export async function renderList({ main, signal, navigate, ready }) {
  const form = h(
    'form',
    { class: 'start-form', 'aria-labelledby': 'new-transcription', novalidate: true },
    h('h2', { id: 'new-transcription' }, 'New transcription'),
    problemSummary(),
    field('Audio file (mp4, m4a, mp3, amr, flac or wav)', h('input', { type: 'file', name: 'file', accept: '.mp4,.m4a,.mp3,.amr,.flac,.wav,audio/*', 'data-field': 'file', required: true })),
    field('Speakers (0 = detect)', h('input', { type: 'number', name: 'speakerCount', value: 2, 'data-field': 'body.speakerCount', inputmode: 'numeric' })),
    h('div', { class: 'field' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'diarization', checked: true, 'data-field': 'body.diarization' }), ' Separate speakers (diarization)')),
    field('Domain', select('domain', [['GENERAL', 'General'], ['CALL', 'Phone call']], 'GENERAL', { 'data-field': 'body.domain' })),
    jobKeyField('stt'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Upload and transcribe')),
  );
  startJobForm(form, {
    path: '/api/transcriptions',
    request: (data) =>
      uploadBody(data, { speakerCount: String(data.get('speakerCount') || 0), diarization: data.get('diarization') ? 'true' : 'false', domain: String(data.get('domain')) }),
    navigate,
  });
  main.append(
    h('h1', { tabindex: '-1' }, 'Speech-to-text'),
    h('p', { class: 'lead' }, 'Audio is stored first, then sent to the vendor within its concurrency limit; a 429 pauses every worker, and the job says when it retries.'),
    form,
    vendorPanel(signal),
    recentJobs({ title: 'Recent transcriptions', pipeline: 'stt', type: 'transcriptionWorkflow', signal }),
  );
  ready('Transcription');
}

export { renderJob } from './transcription.js';
