/**
 * The fake vendor's "recognition": a transcript derived only from the audio's sha256, so the
 * same upload always yields the same utterances and tests can assert them exactly.
 */

/** RTZR's utterance shape: times in milliseconds, `spk` a speaker index. */
export interface VendorUtterance {
  start_at: number;
  duration: number;
  msg: string;
  spk: number;
}

export interface TranscriptRequest {
  useDiarization: boolean;
  speakerCount: number;
}

const SENTENCES: readonly string[] = [
  '안녕하세요, 오늘 강의를 시작하겠습니다.',
  '지난 시간에 배운 내용을 간단히 복습해 보겠습니다.',
  '이 그래프는 연도별 평균 기온 변화를 보여 줍니다.',
  '질문이 있으면 언제든지 손을 들어 주세요.',
  '다음 슬라이드로 넘어가겠습니다.',
  '탄소 배출량은 산업 부문에서 가장 크게 나타납니다.',
  '기후 변화 시나리오별로 위험도가 달라집니다.',
  '오늘 수업은 여기까지입니다. 수고하셨습니다.',
  'Let us start with a short overview of the results.',
  'The sample size was about two thousand sites.',
  'Could you repeat the last question, please?',
  'This slide compares the four SSP scenarios.',
  'We will come back to this point after the break.',
  'Thank you all for joining today.',
];

/** The utterance count (2–6), sentences, speakers and timings all come from the digest's bytes. */
export function transcriptFor(sha256Hex: string, request: TranscriptRequest): VendorUtterance[] {
  const bytes = Buffer.from(sha256Hex, 'hex');
  if (bytes.length < 32) throw new Error(`not a sha256 digest: ${sha256Hex}`);
  const count = 2 + (bytes[0] % 5);
  const speakers = request.useDiarization ? Math.max(1, Math.min(2, request.speakerCount)) : 1;
  const utterances: VendorUtterance[] = [];
  let startAt = 200 + bytes[1] * 4;
  for (let i = 0; i < count; i++) {
    const b = bytes[2 + i * 5];
    const duration = 1_200 + (bytes[3 + i * 5] % 40) * 100;
    utterances.push({
      start_at: startAt,
      duration,
      msg: SENTENCES[(b + bytes[4 + i * 5]) % SENTENCES.length],
      spk: speakers === 1 ? 0 : (bytes[5 + i * 5] + i) % speakers,
    });
    startAt += duration + 200 + (bytes[6 + i * 5] % 6) * 100;
  }
  return utterances;
}

/** Reads the `config` options the fake honours; anything malformed becomes the vendor's 400 H0001 message. */
export function parseTranscriptConfig(raw: string | undefined): TranscriptRequest | { error: string } {
  let config: unknown = {};
  if (raw !== undefined && raw !== '') {
    try {
      config = JSON.parse(raw);
    } catch {
      return { error: 'config is not valid JSON' };
    }
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return { error: 'config must be a JSON object' };
  const { use_diarization: useDiarization = false, diarization } = config as { use_diarization?: unknown; diarization?: { spk_count?: unknown } };
  if (typeof useDiarization !== 'boolean') return { error: 'config.use_diarization must be a boolean' };
  const speakerCount = diarization?.spk_count ?? 2;
  if (typeof speakerCount !== 'number' || !Number.isInteger(speakerCount) || speakerCount < 0) {
    return { error: 'config.diarization.spk_count must be a non-negative integer' };
  }
  // RTZR treats spk_count 0 as "estimate the number of speakers".
  return { useDiarization, speakerCount: speakerCount === 0 ? 2 : speakerCount };
}
