import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidPlaylistError, decodeEntities, firstPlayableRef, isAsxUrl, parseAsxPlaylist, playableRefs } from '../../../../src/domain/etl/asx';
import { storageKeyFor } from '../../../../src/domain/etl/storage-key';

const BASE = 'http://media.example.com/lectures/list/play.asx';

describe('parseAsxPlaylist', () => {
  const cases: Array<[string, string, string[]]> = [
    ['upper case, double quotes', '<ASX VERSION="3.0"><ENTRY><REF HREF="http://m.example.com/a.wmv" /></ENTRY></ASX>', ['http://m.example.com/a.wmv']],
    ['lower case, single quotes, self-closing', "<asx version='3.0'><entry><ref href='http://m.example.com/a.mp4'/></entry></asx>", ['http://m.example.com/a.mp4']],
    ['mixed case and spaces around =', '<Asx><Entry><Ref  Href = "http://m.example.com/a.mp4" ></Ref></Entry></Asx>', ['http://m.example.com/a.mp4']],
    ['unquoted attribute', '<asx><entry><ref href=http://m.example.com/a.mp4></entry></asx>', ['http://m.example.com/a.mp4']],
    [
      'named and numeric entities',
      '<asx><entry><ref href="http://m.example.com/v?id=1&amp;fmt=mp4&#38;q=&#x26;&quot;&apos;&lt;&gt;"/></entry></asx>',
      ['http://m.example.com/v?id=1&fmt=mp4&q=&%22%27%3C%3E'],
    ],
    ['a bare & in a query string is kept', '<asx><entry><ref href="http://m.example.com/v?a=1&b=2"/></entry></asx>', ['http://m.example.com/v?a=1&b=2']],
    ['a > inside a quoted value', '<asx><entry><ref href="http://m.example.com/a>b.mp4"/></entry></asx>', ['http://m.example.com/a%3Eb.mp4']],
    [
      'several entries and refs, in document order',
      `<?xml version="1.0"?>
       <asx version="3.0">
         <title>강의 목록</title>
         <entry><ref href="http://m.example.com/1.mp4"/><ref href="http://backup.example.com/1.mp4"/></entry>
         <entry><REF HREF="http://m.example.com/2.mp4"/></entry>
       </asx>`,
      ['http://m.example.com/1.mp4', 'http://backup.example.com/1.mp4', 'http://m.example.com/2.mp4'],
    ],
    [
      'relative hrefs resolve against the playlist URL',
      '<asx><entry><ref href="../media/1.mp4"/></entry><entry><ref href="/root.mp4"/></entry><entry><ref href="2.mp4"/></entry></asx>',
      ['http://media.example.com/lectures/media/1.mp4', 'http://media.example.com/root.mp4', 'http://media.example.com/lectures/list/2.mp4'],
    ],
    [
      'banner, moreinfo, logo and entryref hrefs are ignored',
      `<ASX version="3.0">
         <Banner href="http://ads.example.com/banner.gif"><MoreInfo href="http://ads.example.com/"/></Banner>
         <Logo href="http://m.example.com/logo.png" style="ICON"/>
         <EntryRef href="http://m.example.com/other.asx"/>
         <Entry><MoreInfo href="http://m.example.com/about"/><Ref href="http://m.example.com/real.mp4"/></Entry>
       </ASX>`,
      ['http://m.example.com/real.mp4'],
    ],
    [
      'comments and CDATA hide refs',
      '<asx><!-- <ref href="http://m.example.com/old.mp4"/> --><![CDATA[<ref href="http://x/cdata.mp4"/>]]><entry><ref href="http://m.example.com/new.mp4"/></entry></asx>',
      ['http://m.example.com/new.mp4'],
    ],
    ['surrounding whitespace and line breaks in href', '<asx><entry><ref href="\n  http://m.example.com/a.mp4  \n"/></entry></asx>', ['http://m.example.com/a.mp4']],
    ['non-http schemes are returned as written', '<asx><entry><ref href="mms://m.example.com/a.wmv"/></entry></asx>', ['mms://m.example.com/a.wmv']],
    ['a stray < in text is skipped', '<asx><title>a < b</title><entry><ref href="x.mp4"/></entry></asx>', ['http://media.example.com/lectures/list/x.mp4']],
  ];
  for (const [name, xml, refs] of cases) {
    test(name, () => assert.deepEqual(parseAsxPlaylist(xml, BASE), refs));
  }

  const invalid: Array<[string, string, RegExp]> = [
    ['no refs at all', '<asx version="3.0"><entry><title>x</title></entry></asx>', /no <ref href> entry/],
    ['a ref without href', '<asx><entry><ref/><ref href=""/></entry></asx>', /no <ref href> entry/],
    ['only commented-out refs', '<asx><!-- <ref href="http://m/a.mp4"/> --></asx>', /no <ref href> entry/],
    ['only a banner', '<asx><banner href="http://ads/x.gif"/></asx>', /no <ref href> entry/],
    ['an unusable href', '<asx><entry><ref href="http://[::1"/></entry></asx>', /unusable hrefs "http:\/\/\[::1"/],
    ['not a playlist (binary ASF bytes)', '0&\u00b2u\u008ef\u00cf\u0011\u00a6\u00d9\u0000\u00aa\u0000b\u00cel', /not an ASX playlist/],
    ['HTML, not ASX', '<html><body><a href="x.mp4">x</a><ref href="y.mp4"></body></html>', /not an ASX playlist/],
    ['an unterminated attribute value', '<asx><entry><ref href="http://m/a.mp4/></entry></asx>', /unterminated attribute value/],
    ['too large', `<asx>${' '.repeat(1024 * 1024)}</asx>`, /longer than/],
  ];
  for (const [name, xml, reason] of invalid) {
    test(`throws InvalidPlaylistError: ${name}`, () => {
      assert.throws(
        () => parseAsxPlaylist(xml, BASE),
        (err: unknown) => err instanceof InvalidPlaylistError && reason.test(err.message),
      );
    });
  }
});

describe('firstPlayableRef', () => {
  test('skips refs we cannot download', () => {
    assert.equal(firstPlayableRef(['mms://m/a.wmv', 'rtsp://m/a', 'HTTPS://m/a.mp4', 'http://m/b.mp4']), 'HTTPS://m/a.mp4');
  });
  test('throws when none is http(s)', () => {
    assert.throws(() => firstPlayableRef(['mms://m/a.wmv']), InvalidPlaylistError);
  });
});

describe('playableRefs', () => {
  test('keeps every http(s) ref in document order, as fallbacks for the first', () => {
    assert.deepEqual(playableRefs(['http://m/missing.mp4', 'mms://m/a.wmv', 'http://m/a.mp4', 'https://m/b.mp4']), ['http://m/missing.mp4', 'http://m/a.mp4', 'https://m/b.mp4']);
  });
  test('throws when none is http(s)', () => {
    assert.throws(() => playableRefs(['mms://m/a.wmv', 'rtsp://m/a']), InvalidPlaylistError);
  });
});

describe('decodeEntities', () => {
  const cases: Array<[string, string]> = [
    ['&amp;amp;', '&amp;'],
    ['&AMP;', '&'],
    ['&#x1F3AC;&#127916;', '🎬🎬'],
    ['&#0;&#xD800;&#x110000;', '&#0;&#xD800;&#x110000;'],
    ['&nbsp;&copy', '&nbsp;&copy'],
  ];
  for (const [input, output] of cases) test(`${input} → ${output}`, () => assert.equal(decodeEntities(input), output));
});

describe('isAsxUrl', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ['http://m/a.asx', undefined, true],
    ['http://m/A.ASX?session=1#t', undefined, true],
    ['http://m/a.wvx', undefined, true],
    ['http://m/a.mp4', undefined, false],
    ['http://m/asx/a.mp4', undefined, false],
    ['http://m/a.mp4?next=b.asx', undefined, false],
    ['http://m/play', 'video/x-ms-asf', true],
    ['http://m/play', 'video/x-ms-asx; charset=utf-8', true],
    ['http://m/play', 'VIDEO/X-MS-ASF', true],
    ['http://m/movie.asf', 'video/x-ms-asf', false],
    ['http://m/movie.wmv', 'video/x-ms-asf', false],
    ['http://m/play', 'video/mp4', false],
    ['not a url/a.asx', undefined, true],
  ];
  for (const [url, contentType, expected] of cases) {
    test(`${url} ${contentType ?? ''} → ${expected}`, () => assert.equal(isAsxUrl(url, contentType), expected));
  }
});

describe('storageKeyFor', () => {
  test('safe ids are kept as they are', () => {
    assert.equal(storageKeyFor('etl-job_1', 'VID-001.v2'), 'etl/etl-job_1/VID-001.v2.mp4');
  });

  test('unsafe characters are replaced and a hash of the raw id keeps keys apart', () => {
    const a = storageKeyFor('job', '강의1');
    const b = storageKeyFor('job', '영상1');
    assert.match(a, /^etl\/job\/__1-[0-9a-f]{12}\.mp4$/);
    assert.match(b, /^etl\/job\/__1-[0-9a-f]{12}\.mp4$/);
    assert.notEqual(a, b);
    assert.equal(storageKeyFor('job', '강의1'), a, 'deterministic');
  });

  test('a sanitised id never equals the safe id it resembles', () => {
    assert.notEqual(storageKeyFor('job', 'a b'), storageKeyFor('job', 'a_b'));
  });

  const hostile = ['../../etc/passwd', '..', '.', '.hidden', 'a/b\\c', 'x'.repeat(500), '', 'CON', 'a\u0000b', '🎬'];
  for (const id of hostile) {
    test(`hostile id ${JSON.stringify(id.slice(0, 20))} gives a safe key`, () => {
      const key = storageKeyFor('etl:job/1', id);
      const segments = key.split('/');
      assert.equal(segments.length, 3);
      for (const segment of segments) {
        assert.match(segment, /^[A-Za-z0-9_.-]+$/);
        assert.ok(!segment.startsWith('.'), segment);
        assert.ok(segment.length <= 200, `${segment.length}`);
      }
      assert.ok(key.endsWith('.mp4'));
    });
  }
});
