import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  ZWJ,
  collapseWhitespace,
  encodePath,
  escapeHtmlText,
  escapeMarkdown,
  escapeSarifText,
  escapeWorkflowData,
  escapeWorkflowProperty,
  escapeXml,
  markdownCode,
  neutralizeReferences,
  truncate
} from '../src/report/escape.js'

describe('collapseWhitespace', () => {
  it.each([
    ['a\nb', 'a b'],
    ['a \r\n\n  b', 'a b'],
    ['a\tb', 'a b'],
    ['a\u2028b', 'a b'],
    ['bell\u0007 esc\u001b[31m', 'bell esc[31m'],
    ['rtl \u202eevil\u202c', 'rtl evil']
  ])('%j → %j', (input, output) => {
    expect(collapseWhitespace(input)).toBe(output)
  })
})

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['ab😀cd', 4, 'ab…'],
    ['abc', 0, '']
  ])('%j to %i → %j', (input, max, output) => {
    expect(truncate(input, max)).toBe(output)
  })

  it('never returns more than max code units or a broken surrogate pair (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(50), (text, max) => {
        const out = truncate(text, max)
        expect(out.length).toBeLessThanOrEqual(max)
        expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
      })
    )
  })
})

describe('neutralizeReferences', () => {
  it.each([
    ['@octocat', `@${ZWJ}octocat`],
    ['@acme/team', `@${ZWJ}acme/team`],
    ['mail a@b.example', `mail a@${ZWJ}b.example`],
    ['#123', `#${ZWJ}123`],
    ['acme/repo#1', `acme/repo#${ZWJ}1`],
    ['GH-42 and gh-7', `GH-${ZWJ}42 and gh-${ZWJ}7`],
    ['https://evil.example', `https:${ZWJ}//evil.example`],
    ['www.evil.example', `www${ZWJ}.evil.example`],
    ['# heading and @ alone', '# heading and @ alone']
  ])('%j → %j', (input, output) => {
    expect(neutralizeReferences(input)).toBe(output)
  })
})

describe('escapeMarkdown', () => {
  it.each([
    ['[x](http://evil)', `\\[x\\]\\(http:${ZWJ}//evil\\)`],
    ['![img](x.png)', '\\!\\[img\\]\\(x.png\\)'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert\\(1\\)&lt;/script&gt;'],
    ['a | b', 'a \\| b'],
    ['```js\ncode\n```', '\\`\\`\\`js code \\`\\`\\`'],
    ['*b* _i_ ~s~ $m$', '\\*b\\* \\_i\\_ \\~s\\~ \\$m\\$'],
    ['back\\slash|', 'back\\\\slash\\|'],
    ['&amp; stays text', '&amp;amp; stays text']
  ])('%j → %j', (input, output) => {
    expect(escapeMarkdown(input, 1000)).toBe(output)
  })

  it('cuts before escaping, so an escape is never split', () => {
    expect(escapeMarkdown('||||', 3)).toBe('\\|\\|…')
  })

  it('wraps code in a <code> element', () => {
    expect(markdownCode('a|b', 100)).toBe('<code>a\\|b</code>')
  })
})

describe('escapeHtmlText', () => {
  it('escapes tags, quotes and Markdown punctuation as references', () => {
    expect(escapeHtmlText(`</summary><img src=x onerror="a('@b')">[x](y)`, 1000)).toBe(
      `&lt;/summary&gt;&lt;img src=x onerror=&quot;a&#40;&#39;@${ZWJ}b&#39;&#41;&quot;&gt;&#91;x&#93;&#40;y&#41;`
    )
  })
})

describe('encodePath', () => {
  it.each([
    ['k8s/deployment.yaml', 'k8s/deployment.yaml'],
    ['dir with space/(x)!.yaml', 'dir%20with%20space/%28x%29%21.yaml'],
    ['a#1?b.yaml', 'a%231%3Fb.yaml'],
    ['日本/ファイル.yaml', '%E6%97%A5%E6%9C%AC/%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.yaml']
  ])('%j → %j', (input, output) => {
    expect(encodePath(input)).toBe(output)
  })
})

describe('workflow command escaping', () => {
  it('escapes data as the runner unescapes it', () => {
    expect(escapeWorkflowData('50% done\r\n::error::x')).toBe('50%25 done%0D%0A::error::x')
  })

  it('escapes property values, including : and ,', () => {
    expect(escapeWorkflowProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A')
  })
})

describe('escapeXml', () => {
  it.each([
    ['<a href="x">&\'</a>', '&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;'],
    ['tab\tnl\ncr\r', 'tab&#x9;nl&#xA;cr&#xD;'],
    ['nul\u0000 esc\u001b', 'nul\ufffd esc\ufffd'],
    ['lone \ud800 ok 😀', 'lone \ufffd ok 😀'],
    ['\ufffe\uffff', '\ufffd\ufffd']
  ])('%j → %j', (input, output) => {
    expect(escapeXml(input)).toBe(output)
  })
})

describe('escapeSarifText', () => {
  it('escapes the brackets of embedded links', () => {
    expect(escapeSarifText('see [here](1) and [x]')).toBe('see \\[here\\](1) and \\[x\\]')
  })
})
