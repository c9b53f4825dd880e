import { escapeHtml, renderTemplateText, unknownPlaceholders } from './render-template';
import { renderMail } from './render-mail';

describe('renderTemplateText', () => {
  it.each([
    ['Hi {{ name }}!', { name: 'Ann' }, 'Hi Ann!'],
    ['{{name}}/{{  name  }}', { name: 'x' }, 'x/x'],
    ['{{ missing }}.', {}, '.'],
    ['{{ n }} {{ b }} {{ z }}', { n: 3, b: false, z: null }, '3 false '],
    ['{{ a.b }} {{ x | upper }} {% if x %}', { x: 'v' }, '{{ a.b }} {{ x | upper }} {% if x %}'],
    ['{{ constructor }}{{ __proto__ }}', {}, ''],
  ])('%s → %s', (template, vars, expected) => {
    expect(renderTemplateText(template, vars, { html: false })).toBe(expected);
  });

  it('never expands a placeholder that arrives inside a value', () => {
    expect(renderTemplateText('{{ a }}', { a: '{{ b }}', b: 'secret' }, { html: false })).toBe('{{ b }}');
  });

  it('escapes values in HTML only, and keeps them raw in text', () => {
    const vars = { name: `<script>alert("x")</script>&'` };
    expect(renderTemplateText('<p>{{ name }}</p>', vars, { html: true })).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
    expect(renderTemplateText('{{ name }}', vars, { html: false })).toBe(vars.name);
    expect(escapeHtml('a"b')).toBe('a&quot;b');
  });

  it('keeps a rendered subject on one line', () => {
    const out = renderMail({ subject: 'Hi {{ n }}', html_body: '{{ n }}', text_body: '{{ n }}' }, { n: 'x\r\nBcc: evil@example.com' });
    expect(out.subject).toBe('Hi x Bcc: evil@example.com');
    expect(out.text_body).toBe('x\r\nBcc: evil@example.com');
  });
});

describe('unknownPlaceholders', () => {
  it('lists unknown names and unsupported syntax once each', () => {
    expect(unknownPlaceholders('{{ a }} {{ nope }} {{nope}} {{ a.b }} {% for x in y %}', ['a'])).toEqual(['nope', '{{ a.b }}', '{% for x in y %}']);
    expect(unknownPlaceholders('{{ a }} plain { b }', ['a'])).toEqual([]);
  });
});
