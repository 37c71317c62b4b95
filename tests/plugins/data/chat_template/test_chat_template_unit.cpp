// Unit tests of the chat template engine, one feature per section. Expected
// strings are what Python jinja2 3.1 renders with transformers' settings
// (trim_blocks, lstrip_blocks, sandbox, its tojson); snippets.jsonl holds
// many more, cross-checked against jinja2 itself.
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "catch.hpp"
#include "chat_template.hpp"

using dsforge::data::ChatTemplate;
using dsforge::data::ChatTemplateOptions;
using dsforge::data::TemplateError;
using json = nlohmann::ordered_json;

namespace {

std::string render(const std::string& source, const json& context = json::object()) {
  return ChatTemplate::parse(source).render(context);
}

// The error a template raises while parsing or rendering.
TemplateError error_of(const std::string& source, const json& context = json::object()) {
  try {
    ChatTemplate::parse(source).render(context);
  } catch (const TemplateError& e) {
    return e;
  }
  FAIL("no error from " << source);
  throw;  // unreachable
}

const json kCtx = json::parse(R"({
  "d": {"a": 1, "b": 2, "items": [1, 2], "nested": {"x": "deep"}},
  "l": [1, 2, 3],
  "s": "héllo",
  "n": null,
  "people": [{"name": "Ann", "age": 31, "admin": true}, {"name": "Bob", "age": 25},
             {"name": "Cy", "age": 40, "admin": false, "nick": "C"}],
  "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "你好"},
           {"role": "assistant", "content": "hi"}]
})");

std::string r(const std::string& source) { return render(source, kCtx); }

// A scratch directory removed at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/dsforge_chat_template_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = path + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

}  // namespace

TEST_CASE("lexer: trim_blocks and lstrip_blocks as transformers sets them", "[unit]") {
  // The newline after a block tag goes; indentation before a block tag goes.
  CHECK(r("{% if true %}\nyes\n{% endif %}\n") == "yes\n");
  CHECK(r("  {% if true %}\n  x\n  {% endif %}\nend") == "  x\nend");
  CHECK(r("\t{% for i in l %}\n\t- {{ i }}\n\t{% endfor %}") == "\t- 1\n\t- 2\n\t- 3\n");
  // Not for {{ }}: neither the newline after nor the indentation before.
  CHECK(r("  {{ 1 }}\n  {{ 2 }}\n") == "  1\n  2");
  // Only spaces from the start of the line count for lstrip.
  CHECK(r("a  {% if true %}x{% endif %}") == "a  x");
  // trim_blocks removes one newline, and only right after the tag.
  CHECK(r("{% if true %}  \nx{% endif %}") == "  \nx");
  CHECK(r("{% if true %}\n\nx{% endif %}") == "\nx");
  // Comments behave like block tags.
  CHECK(r("  {# note #}\nz") == "z");
  // Unicode spaces count as indentation (Python's \s).
  CHECK(r(" \u3000{% if true %}x{% endif %}") == "x");
}

TEST_CASE("lexer: whitespace control with - and +", "[unit]") {
  CHECK(r("a   {{- 1 -}}   b") == "a1b");
  CHECK(r("a \n {%- if true -%} \n b {%- endif %}") == "ab");
  CHECK(r("{{ 1 -}}\n\n  2") == "12");
  CHECK(r("x {%- if true %} y {% endif -%} z") == "x y z");
  // + keeps what lstrip_blocks / trim_blocks would remove.
  CHECK(r("  {%+ if true %}x{% endif %}") == "  x");
  CHECK(r("{% if true +%}\nx{% endif %}") == "\nx");
  CHECK(r("{#- c -#}  x") == "x");
  CHECK(r("a  {#- c #}b") == "ab");
}

TEST_CASE("lexer: raw, newlines, literals", "[unit]") {
  CHECK(r("{% raw %}{{ x }}{% if %}{% endraw %}") == "{{ x }}{% if %}");
  // One trailing newline is dropped (keep_trailing_newline=False); CRLF and
  // CR become LF.
  CHECK(r("a\n") == "a");
  CHECK(r("a\n\n") == "a\n");
  CHECK(r("a\r\nb\rc") == "a\nb\nc");
  CHECK(render("x\n", json::object()) == "x");
  ChatTemplateOptions keep;
  keep.keep_trailing_newline = true;
  CHECK(ChatTemplate::parse("x\n", keep).render(json::object()) == "x\n");
  // String escapes as Python's unicode-escape; adjacent literals concatenate.
  CHECK(r(R"({{ 'tab\there\n\u4e2d\x41\\ \'q\' "d"' }})") == "tab\there\n中A\\ 'q' \"d\"");
  CHECK(r(R"({{ 'a' "b" 'c' }})") == "abc");
  CHECK(r("{{ '}}' ~ \"%}\" }}") == "}}%}");
  // Numbers: underscores, bases, floats, exponents.
  CHECK(r("{{ 1_000 }} {{ 0x1F }} {{ 0b101 }} {{ 0o17 }} {{ 1_0.5 }} {{ 1E3 }} {{ 2.50 }}") ==
        "1000 31 5 15 10.5 1000.0 2.5");
  // Nested braces inside {{ }} do not end the tag.
  CHECK(r("{{ {'a': {'b': 1}} }}") == "{'a': {'b': 1}}");
}

TEST_CASE("expressions: arithmetic with Python semantics", "[unit]") {
  CHECK(r("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7 / 2 }} {{ 4 / 2 }}") ==
        "3 -4 2 -2 3.5 2.0");
  CHECK(r("{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }} {{ 1 + 2 * 3 - 4 }} {{ (1 + 2) * 3 }}") ==
        "1024 0.5 64 3 9");
  CHECK(r("{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ true + true }} {{ -(2 + 3) }} {{ - 2 ** 2 }}") ==
        "3.0 0.5 2 -5 4");
  // Floats print as Python's repr.
  CHECK(r("{{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 1.5e-5 }} {{ 0.0001 }} {{ 1/3 }} {{ -0.0 }}") ==
        "0.30000000000000004 1e+16 1000000000000000.0 1.5e-05 0.0001 0.3333333333333333 -0.0");
  CHECK(r("{{ 'ab' * 3 }} {{ 2 * 'x' }} {{ [1] * 2 }} {{ [1] + [2] }} {{ 'a' + 'b' }}") ==
        "ababab xx [1, 1] [1, 2] ab");
  CHECK(r("{{ 'a' ~ 1 ~ none ~ true ~ [1, 'b'] ~ 2.5 }}") == "a1NoneTrue[1, 'b']2.5");
  CHECK(r("{{ '%s is %d, %.2f%%' % ('Bob', 42, 3.14159) }}|{{ '%5s|%-4d|%x|%r' % ('a', 7, 255, 'q') }}") ==
        "Bob is 42, 3.14%|    a|7   |ff|'q'");
}

TEST_CASE("expressions: comparisons, logic, membership, ternary", "[unit]") {
  CHECK(r("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }}") ==
        "True False True True");
  CHECK(r("{{ 1 == 1.0 }} {{ true == 1 }} {{ none == none }} {{ [1] == (1,) }} {{ 2 >= 2 }} {{ 1 != 1 }}") ==
        "True True True False True False");
  CHECK(r("{{ 'a' in 'cat' }} {{ 2 in l }} {{ 'a' in d }} {{ 3 not in [1] }} {{ 'x' in undefined_thing }}") ==
        "True True True True False");
  // and/or return an operand, as in Python; not binds looser than `is`.
  CHECK(r("{{ 0 or 'x' }} {{ 1 and 'y' }} {{ none or [] }} {{ '' and 1 }}|{{ not none and true }}") ==
        "x y [] |True");
  CHECK(r("{{ not l|length is even }} {{ not 1 == 2 }}") == "True True");
  CHECK(r("{{ 'y' if 1 else 'n' }} {{ 'y' if 0 else 'n' }} [{{ 'y' if 0 }}] {{ 1 if 0 else 2 if 1 else 3 }}") ==
        "y n [] 2");
  // Short-circuit: the right side is not evaluated.
  CHECK(r("{{ l|length > 5 and l[10].x }}") == "False");
  CHECK(r("{{ true or raise_exception('never') }}") == "True");
}

TEST_CASE("expressions: literals print as Python's str()", "[unit]") {
  CHECK(r("{{ [1, 'a', none, true, 1.5, ('x',), {'k': \"it's\"}] }}") ==
        "[1, 'a', None, True, 1.5, ('x',), {'k': \"it's\"}]");
  CHECK(r("{{ (1, 2) }} {{ () }} {{ {} }} {{ [] }} {{ [1, 2,]|length }} {{ {'a': 1,}['a'] }}") ==
        "(1, 2) () {} [] 2 1");
  CHECK(r(R"({{ ['a"b', 'a\nb', '中文', 'a\\b'] }})") == R"(['a"b', 'a\nb', '中文', 'a\\b'])");
  CHECK(r("{{ n }} {{ true }} {{ d.nested }}") == "None True {'x': 'deep'}");
}

TEST_CASE("access: attributes, subscripts, slices", "[unit]") {
  CHECK(r("{{ d.a }} {{ d['b'] }} {{ d.nested.x }} {{ d['nested']['x'] }} {{ l[0] }} {{ l[-1] }} {{ l.1 }}") ==
        "1 2 deep deep 1 3 2");
  CHECK(r("{{ s[0] }}{{ s[1] }} {{ s|length }} {{ msgs[1].content }}") == "hé 5 你好");
  // obj.name prefers the Python attribute (dict.items), obj['name'] the key.
  CHECK(r("{{ d['items'] }} {{ d.items is defined }} {{ d.items()|list|length }}") == "[1, 2] True 4");
  // Missing keys, attributes and indexes are undefined, not errors.
  CHECK(r("[{{ d.missing }}] {{ d['missing'] is defined }} {{ l[10] is defined }} [{{ none.x }}]") ==
        "[] False False []");
  CHECK(r("{{ l[1:] }} {{ l[:2] }} {{ l[::-1] }} {{ l[::2] }} {{ l[-2:] }} {{ l[5:] }} {{ l[-10:10] }}") ==
        "[2, 3] [1, 2] [3, 2, 1] [1, 3] [2, 3] [] [1, 2, 3]");
  CHECK(r("{{ s[::-1] }} {{ s[1:3] }} {{ '你好世界'[1:3] }} {{ (1, 2, 3)[1:] }} {{ msgs[1:]|length }}") ==
        "olléh él 好世 (2, 3) 2");
  // Slices are plain Python subscripts in jinja2: bad ones raise.
  CHECK(error_of("{{ l[:u] }}", kCtx).message() ==
        "slice indices must be integers or None or have an __index__ method");
  CHECK(error_of("{{ n[1:] }}", kCtx).message() == "'NoneType' object is not subscriptable");
  // A tuple key, a Python-style colon before %}, Unicode names.
  CHECK(r("{{ {(1, 2): 'pair'}[1, 2] }}{% if true: %}:{% else: %}!{% endif %}{% set 名字 = 'x' %}{{ 名字 }}") ==
        "pair:x");
}

TEST_CASE("undefined behaves like jinja2's default Undefined", "[unit]") {
  CHECK(r("[{{ u }}] {{ u is defined }} {{ u is undefined }} {{ u|default('dflt') }} {{ u ~ 'x' }}") ==
        "[] False True dflt x");
  CHECK(r("{{ u|length }} {{ u|list }} {{ not u }} {{ u == none }} [{{ u|trim }}{{ u|join }}{{ u|upper }}]") ==
        "0 [] True False []");
  CHECK(r("{% for x in u %}a{% else %}empty{% endfor %} {{ u is iterable }} {{ u is none }}") ==
        "empty True False");
  CHECK(r("{% if u %}y{% else %}n{% endif %}{% if not u is defined %}!{% endif %}") == "n!");
  // Using an undefined value beyond printing and testing fails, naming it.
  CHECK(error_of("{{ u.a }}").message() == "'u' is undefined");
  CHECK(error_of("{{ u + 1 }}").message() == "'u' is undefined");
  CHECK(error_of("{{ u[0] }}").message() == "'u' is undefined");
  CHECK(error_of("{{ u() }}").message() == "'u' is undefined");
  CHECK(error_of("{{ d.missing.x }}", kCtx).message() == "'dict object' has no attribute 'missing'");
  CHECK(error_of("{{ l[7].x }}", kCtx).message() == "'list object' has no element 7");
  CHECK(error_of("{{ u|tojson }}").message() == "Object of type Undefined is not JSON serializable");
}

TEST_CASE("tests: is / is not", "[unit]") {
  CHECK(r("{{ none is none }} {{ n is not none }} {{ 1 is number }} {{ true is number }} {{ 1.5 is float }}") ==
        "True False True True True");
  CHECK(r("{{ 1 is integer }} {{ true is integer }} {{ 'a' is string }} {{ l is string }} {{ d is mapping }}") ==
        "True False True False True");
  CHECK(r("{{ l is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }} {{ d is sequence }} {{ 1 is sequence }}") ==
        "True True False True False");
  CHECK(r("{{ true is boolean }} {{ true is true }} {{ 0 is false }} {{ false is false }} {{ range is callable }}") ==
        "True True False True True");
  CHECK(r("{{ 3 is odd }} {{ -3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }}") ==
        "True True True True False");
  CHECK(r("{{ 2 is eq 2 }} {{ 2 is equalto(3) }} {{ 1 is lt 2 }} {{ 3 is ge 3 }} {{ 1 is in [1, 2] }}") ==
        "True False True True True");
  CHECK(r("{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'Ab' is lower }} {{ 'upper' is filter }} {{ 'odd' is test }}") ==
        "True True False True True");
  CHECK(r("{{ d.a is defined }} {{ d.zz is defined }} {{ d.zz is not defined }}") == "True False True");
}

TEST_CASE("filters: text", "[unit]") {
  CHECK(r("[{{ '  a b  '|trim }}] [{{ 'xxaxx'|trim('x') }}] {{ 'ab'|upper }}{{ 'AB'|lower }}") ==
        "[a b] [a] ABab");
  CHECK(r("{{ 'hello wORLD'|capitalize }}|{{ \"hello-world it's (a)b\"|title }}|{{ 'aaa'|replace('a', 'b', 2) }}") ==
        "Hello world|Hello-World It's (A)b|bba");
  CHECK(r("{{ 'héllo'|length }} {{ l|count }} {{ 5|string|length }} {{ [1]|string }} {{ none|string }}") ==
        "5 3 1 [1] None");
  CHECK(r("{{ none|default('x') }} [{{ ''|default('x') }}] {{ ''|default('x', true) }} {{ 0|d('z', true) }}") ==
        "None [] x z");
  CHECK(r("{{ 'a\nb\n\nc'|indent(2) }}|{{ 'a\nb'|indent(2, true) }}|{{ 'x\ny'|indent('> ') }}") ==
        "a\n  b\n\n  c|  a\n  b|x\n> y");
  CHECK(r("{{ 'abc'|reverse }} {{ '<a href=\"x\">&</a>'|e }} {{ '%s-%s'|format('a', 'b') }}") ==
        "cba &lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt; a-b");
  CHECK(r("{{ 'ÀÉÎ'|lower }} {{ 'àéî'|upper }} {{ 'Ωμέγα'|upper }} {{ 'ПРИВЕТ'|lower }} {{ '你好'|upper }}") ==
        "àéî ÀÉÎ ΩΜΈΓΑ привет 你好");
}

TEST_CASE("filters: sequences and mappings", "[unit]") {
  CHECK(r("{{ l|first }} {{ l|last }} {{ 'abc'|first }} {{ []|first is defined }} {{ d|first }} {{ d|list }}") ==
        "1 3 a False a ['a', 'b', 'items', 'nested']");
  CHECK(r("{{ l|join(', ') }} {{ ['a', 1, none]|join }} {{ people|join('/', attribute='name') }}") ==
        "1, 2, 3 a1None Ann/Bob/Cy");
  CHECK(r("{{ {'a': 1, 'b': 2}|items|list }} {{ {'b': 2, 'a': 1, 'C': 0}|dictsort }}") ==
        "[('a', 1), ('b', 2)] [('a', 1), ('b', 2), ('C', 0)]");
  CHECK(r("{{ people|selectattr('admin')|map(attribute='name')|list }} "
          "{{ people|rejectattr('admin')|map(attribute='name')|list }} "
          "{{ people|selectattr('age', 'gt', 30)|map(attribute='name')|join(',') }} "
          "{{ people|selectattr('name', 'equalto', 'Bob')|map(attribute='age')|first }}") ==
        "['Ann'] ['Bob', 'Cy'] Ann,Cy 25");
  CHECK(r("{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 0, none, 'a']|select|list }} {{ [1, 2, 3]|reject('even')|list }}") ==
        "[1, 3] [1, 'a'] [1, 3]");
  CHECK(r("{{ people|map(attribute='nick', default='?')|list }} {{ ['a', 'b']|map('upper')|list }} "
          "{{ ['1', '2']|map('int')|sum }} {{ ['a-b']|map('replace', '-', '+')|list }}") ==
        "['?', '?', 'C'] ['A', 'B'] 3 ['a+b']");
  CHECK(r("{{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ ['b', 'A', 'c']|sort }} "
          "{{ people|sort(attribute='age')|map(attribute='name')|list }}") ==
        "[1, 2, 3] [3, 2, 1] ['A', 'b', 'c'] ['Bob', 'Ann', 'Cy']");
  CHECK(r("{{ [1, 2, 2, 'a', 'A']|unique|list }} {{ l|sum }} {{ people|sum(attribute='age') }} "
          "{{ [3, 1, 2]|min }} {{ ['b', 'A']|max }} {{ (people|max(attribute='age')).name }}") ==
        "[1, 2, 'a'] 6 96 1 b Cy");
  CHECK(r("{{ l|reverse|list }} {{ 'ab'|list }} {{ (1, 2)|list }} {{ range(3)|list }}") ==
        "[3, 2, 1] ['a', 'b'] [1, 2] [0, 1, 2]");
}

TEST_CASE("filters: numbers", "[unit]") {
  CHECK(r("{{ 3.14159|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ 3|round }} {{ 2.1|round(method='ceil') }}") ==
        "3.14 2.0 4.0 3 3.0");
  CHECK(r("{{ '42'|int }} {{ '42.7'|int }} {{ 'x'|int }} {{ 'x'|int(5) }} {{ '0x1A'|int(0, 16) }} {{ 3.9|int }}") ==
        "42 42 0 5 26 3");
  CHECK(r("{{ '1.5'|float }} {{ 'x'|float }} {{ 2|float }} {{ -3|abs }} {{ -2.5|abs }}") == "1.5 0.0 2.0 3 2.5");
}

TEST_CASE("filters: tojson matches Python json.dumps as transformers calls it", "[unit]") {
  // ensure_ascii=False: non-ASCII stays; separators ", " and ": ".
  CHECK(r("{{ {'z': 1, 'a': [1, 2.5, none, true, 'é\"\\n']}|tojson }}") ==
        R"({"z": 1, "a": [1, 2.5, null, true, "é\"\n"]})");
  // indent: "," item separator, nested indentation, empty containers inline.
  CHECK(r("{{ {'b': 1, 'a': {'d': [], 'c': {}}}|tojson(indent=2) }}") ==
        "{\n  \"b\": 1,\n  \"a\": {\n    \"d\": [],\n    \"c\": {}\n  }\n}");
  CHECK(r("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }} {{ [1, 2]|tojson(separators=(',', ':')) }}") ==
        R"({"a": 2, "b": 1} [1,2])");
  CHECK(r("{{ '中😀'|tojson(ensure_ascii=true) }} {{ 1.0|tojson }} {{ 1e16|tojson }} {{ (1, 2)|tojson }}") ==
        R"("\u4e2d\ud83d\ude00" 1.0 1e+16 [1, 2])");
  CHECK(r("{{ '\\x01\\x7f\\t'|tojson }} {{ {1: 'a', true: 'b'}|tojson }} {{ d.nested|tojson(indent='\\t') }}") ==
        "\"\\u0001\x7f\\t\" {\"1\": \"b\"} {\n\t\"x\": \"deep\"\n}");
}

TEST_CASE("string, dict and list methods", "[unit]") {
  CHECK(r("[{{ '  hi  '.strip() }}] [{{ 'xxhixx'.strip('x') }}] [{{ '  hi'.lstrip() }}] [{{ 'hi  '.rstrip() }}]") ==
        "[hi] [hi] [hi] [hi]");
  CHECK(r("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a b c'.rsplit(' ', 1) }}") ==
        "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] ['a b', 'c']");
  CHECK(r("{{ 'hello'.startswith('he') }} {{ 'hello'.endswith(('x', 'lo')) }} {{ 'Hello'.upper() }}{{ 'Hello'.lower() }}") ==
        "True True HELLOhello");
  CHECK(r("{{ 'aXbX'.replace('X', '-') }} {{ 'hello world-foo'.title() }} {{ \"it's\".title() }} {{ 'hello'.capitalize() }}") ==
        "a-b- Hello World-Foo It'S Hello");
  CHECK(r("{{ 'hello'.find('l') }} {{ 'héllo'.find('l') }} {{ 'banana'.count('a') }} {{ '-'.join(['a', 'b']) }}") ==
        "2 2 3 a-b");
  CHECK(r("{{ '{} + {} = {}'.format(1, 2, 3) }} {{ 'Hi {name}!'.format(name='Ann') }} {{ 'a\\nb'.splitlines() }}") ==
        "1 + 2 = 3 Hi Ann! ['a', 'b']");
  CHECK(r("{% set c = 'abc</think>\n\nanswer' %}{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ '你好，世界'.split('，') }}") ==
        "answer|['你好', '世界']");
  CHECK(r("{{ d.get('a') }} {{ d.get('zz') }} {{ d.get('zz', 7) }} {{ d.keys()|list|length }} {{ d.values()|first }}") ==
        "1 None 7 4 1");
  CHECK(r("{% for k, v in {'x': 1, 'y': 2}.items() %}{{ k }}={{ v }};{% endfor %} {{ l.index(2) }} {{ l.count(5) }}") ==
        "x=1;y=2; 1 0");
  // The sandbox's mutating methods are unsafe: undefined, an error when called.
  CHECK(r("{{ l.append is defined }}") == "False");
  CHECK(error_of("{{ l.append(4) }}", kCtx).message() ==
        "access to attribute 'append' of 'list' object is unsafe.");
}

TEST_CASE("statements: if / elif / else", "[unit]") {
  const std::string t = "{% if x > 2 %}big{% elif x == 2 %}two{% elif x %}small{% else %}zero{% endif %}";
  CHECK(render(t, {{"x", 3}}) == "big");
  CHECK(render(t, {{"x", 2}}) == "two");
  CHECK(render(t, {{"x", 1}}) == "small");
  CHECK(render(t, {{"x", 0}}) == "zero");
  CHECK(render("{% if a %}{% if b %}ab{% else %}a{% endif %}{% endif %}", {{"a", true}, {"b", false}}) == "a");
}

TEST_CASE("statements: for loops", "[unit]") {
  CHECK(r("{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
          "{{ loop.first }}{{ loop.last }}{{ loop.length }}|{% endfor %}") ==
        "1032TrueFalse3|2121FalseFalse3|3210FalseTrue3|");
  CHECK(r("{% for x in l %}{{ loop.cycle('a', 'b') }}{{ loop.previtem }}{{ loop.nextitem }}|{% endfor %}") ==
        "a2|b13|a2|");
  // A filter in the iterable, and an `if` filter changing loop.length.
  CHECK(r("{% for x in l|reverse %}{{ x }}{% endfor %}") == "321");
  CHECK(r("{% for x in [1, 2, 3, 4, 5] if x is odd %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}") ==
        "1/3:1 2/3:3 3/3:5 ");
  // else runs when nothing was iterated.
  CHECK(r("{% for x in [] %}x{% else %}none{% endfor %}{% for x in [1] %}x{% else %}none{% endfor %}") == "nonex");
  // Tuple unpacking, dict iteration (keys), string iteration (code points).
  CHECK(r("{% for k, v in d|items %}{{ k }}{% if not loop.last %},{% endif %}{% endfor %}") == "a,b,items,nested");
  CHECK(r("{% for (a, b) in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {% for k in d %}{{ k[0] }}{% endfor %}") ==
        "37 abin");
  CHECK(r("{% for c in 'héllo' %}{{ c }}.{% endfor %}") == "h.é.l.l.o.");
  // Inner loop shadows loop; break and continue (loopcontrols).
  CHECK(r("{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}") ==
        "121122");
  CHECK(r("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}"
          "{{ x }}{% endfor %}") == "0134");
  CHECK(r("{% for x in [1, 1, 2, 3, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}") == "123");
  CHECK(error_of("{% for a, b in [[1, 2, 3]] %}{% endfor %}").message() == "too many values to unpack (expected 2)");
}

TEST_CASE("statements: set, scoping and namespace()", "[unit]") {
  // A set inside a loop iteration does not outlive it; if shares the scope.
  CHECK(r("{% set x = 0 %}{% for i in range(3) %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}") == "0120");
  CHECK(r("{% if true %}{% set z = 3 %}{% endif %}{{ z }}") == "3");
  CHECK(r("{% set y = 5 %}{% for i in range(2) %}{% if true %}{% set y = i %}{% endif %}[{{ y }}]{% endfor %}{{ y }}") ==
        "[0][1]5");
  // namespace() carries state out of loops.
  CHECK(r("{% set ns = namespace(a=1, found=false) %}{% for i in range(4) %}{% set ns.a = ns.a + i %}"
          "{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.a }} {{ ns.found }} {{ ns.zz is defined }}") ==
        "7 True False");
  CHECK(r("{% set ns = namespace({'k': 2}, j=3) %}{{ ns.k }}{{ ns.j }}") == "23");
  // Tuple assignment, overriding a context variable, block set with a filter.
  CHECK(r("{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t = 1, 2 %}{{ t }}") == "12 (1, 2)");
  CHECK(r("{% set msgs = msgs[1:] %}{{ msgs|length }}{{ msgs[0].role }}") == "2user");
  CHECK(r("{% set x %}hello {{ 1 + 1 }}{% endset %}[{{ x }}] {% set y | upper %}shout{% endset %}{{ y }}") ==
        "[hello 2] SHOUT");
  CHECK(r("{% filter upper %}abc {{ 'def' }}{% endfilter %}|{% filter trim|upper %}  pad  {% endfilter %}") ==
        "ABC DEF|PAD");
  CHECK(r("{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}") == "3False");
  CHECK(error_of("{% set x = 1 %}{% set x.y = 2 %}").kind() == TemplateError::Kind::render);
  // A namespace holding itself: printing fails cleanly (jinja2 prints a
  // "{...}" placeholder); nothing leaks (checked under ASan/LSan).
  CHECK(error_of("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}").message() ==
        "value nested deeper than 200 levels");
  CHECK(r("{% set ns = namespace(n=1) %}{% set ns.me = ns %}{{ ns.me.me.me.n }}") == "1");
}

TEST_CASE("statements: macros", "[unit]") {
  CHECK(r("{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}"
          "{{ greet('Ann') }} {{ greet('Bob', greeting='Hi') }} {{ greet(name='Cy', greeting='Yo') }} {{ greet('Di', 'Hey') }}") ==
        "Hello, Ann! Hi, Bob! Yo, Cy! Hey, Di!");
  // Macros see their defining scope live; missing parameters are undefined.
  CHECK(r("{% set g = 1 %}{% macro m() %}{{ g }}{% endmacro %}{% set g = 2 %}{{ m() }}") == "2");
  CHECK(r("{% macro m(a, b) %}[{{ a }}|{{ b }}|{{ b is defined }}]{% endmacro %}{{ m(1) }}") == "[1||False]");
  CHECK(r("{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k=4) }}") == "1(2, 3){'k': 4}");
  // Without varargs / kwargs in the body, extra arguments are errors.
  CHECK(error_of("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}").message() ==
        "macro 'm' takes not more than 1 argument(s)");
  CHECK(error_of("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, b=2) }}").message() ==
        "macro 'm' takes no keyword argument 'b'");
  CHECK(r("{% macro m() %}{% endmacro %}{{ m }}") == "<Macro 'm'>");
  CHECK(r("{% macro outer(x) %}<{{ inner(x) }}>{% endmacro %}{% macro inner(y) %}{{ y * 2 }}{% endmacro %}{{ outer(21) }}") ==
        "<42>");
  CHECK(r("{% macro m(a, b=a ~ '!') %}{{ b }}{% endmacro %}{{ m('x') }}") == "x!");
  CHECK(error_of("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}").message().find("nested deeper") !=
        std::string::npos);
}

TEST_CASE("globals: range, dict, namespace, raise_exception, strftime_now", "[unit]") {
  CHECK(r("{{ range(5)|list }} {{ range(2, 10, 3)|list }} {{ range(5, 0, -2)|list }}") ==
        "[0, 1, 2, 3, 4] [2, 5, 8] [5, 3, 1]");
  CHECK(r("{{ dict(a=1, b='x') }} {{ dict(a=1).a }}") == "{'a': 1, 'b': 'x'} 1");
  CHECK(r("{{ strftime_now('%Y')|length }} {{ strftime_now('%d %b %Y')|length >= 10 }}") == "4 True");
  const TemplateError e = error_of("line one\n  {{ raise_exception('Conversation roles must alternate') }}");
  CHECK(e.kind() == TemplateError::Kind::raised);
  CHECK(e.message() == "Conversation roles must alternate");
  CHECK(e.line() == 2);
  CHECK(std::string(e.what()) ==
        "chat template raised an exception at line 2:6: Conversation roles must alternate");
  CHECK(e.code() == DS_ERR_BAD_DATA);
  CHECK(error_of("{{ range(200000)|length }}").message().find("Range too big") != std::string::npos);
}

TEST_CASE("errors name the template line and column", "[unit]") {
  SECTION("unknown filter, at parse time") {
    const TemplateError e = error_of("{% for m in messages %}\n  {{ m.content | shout }}\n{% endfor %}");
    CHECK(e.kind() == TemplateError::Kind::syntax);
    CHECK(e.code() == DS_ERR_INVALID_ARGUMENT);
    CHECK(e.line() == 2);
    CHECK(e.column() == 18);
    CHECK(e.message() == "no filter named 'shout'");
    CHECK(std::string(e.what()) == "chat template syntax error at line 2:18: no filter named 'shout'");
  }
  SECTION("unknown filter inside an if fails only when it runs, as in jinja2") {
    CHECK(render("{% if false %}{{ x | shout }}{% endif %}{{ 1 if true else x | shout }}") == "1");
    const TemplateError e = error_of("{% if true %}\n  {{ 'a' | shout }}{% endif %}");
    CHECK(e.kind() == TemplateError::Kind::render);
    CHECK(e.line() == 2);
    CHECK(e.column() == 12);
    CHECK(e.message() == "no filter named 'shout'");
    // A loop body inside the if is checked when parsing again.
    CHECK(error_of("{% if false %}{% for x in l %}{{ x | shout }}{% endfor %}{% endif %}").kind() ==
          TemplateError::Kind::syntax);
  }
  SECTION("unknown test") {
    const TemplateError e = error_of("{{ x is frobbed }}");
    CHECK(e.line() == 1);
    CHECK(e.column() == 9);
    CHECK(e.message() == "no test named 'frobbed'");
  }
  SECTION("unclosed block names the opening tag") {
    const TemplateError e = error_of("a\n{% if x %}\nb");
    CHECK(e.line() == 2);
    CHECK(e.column() == 1);
    CHECK(e.message().find("expected 'elif' or 'else' or 'endif'") != std::string::npos);
  }
  SECTION("syntax errors inside expressions") {
    CHECK(error_of("{{ 1 + }}").column() == 8);
    CHECK(error_of("x\n\n   {{ (1 }}").line() == 3);
    CHECK(error_of("{{ 'unterminated }}").message() == "unterminated string literal");
    CHECK(error_of("{% endif %}").message().find("unexpected 'endif'") != std::string::npos);
    CHECK(error_of("{% frobnicate %}").message() == "unknown tag 'frobnicate'");
    CHECK(error_of("{% include 'x.jinja' %}").message().find("not supported") != std::string::npos);
    CHECK(error_of("{% break %}").message() == "'break' outside of a for loop");
    CHECK(error_of("{{ dict(a=1, a=2) }}").message() == "keyword argument repeated: a");
    CHECK(error_of("{% for x in l recursive %}{% endfor %}").message().find("recursive") != std::string::npos);
    // Columns count code points, not bytes.
    CHECK(error_of("你好 {{ x | nope }}").column() == 11);
  }
  SECTION("pathological nesting is refused, not a stack overflow") {
    std::string chain = "{{ 1";
    for (int i = 0; i < 50000; ++i) chain += " + 1";
    CHECK(error_of(chain + " }}").message() == "expression nested deeper than 256 levels");
    CHECK(error_of("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}").message() ==
          "template nested deeper than 256 levels");
    std::string ifs;
    for (int i = 0; i < 1000; ++i) ifs += "{% if true %}";
    CHECK(error_of(ifs).message() == "template nested deeper than 256 levels");
    // Deep but legal: 200 terms, 60 nested ifs.
    std::string sum = "{{ 0";
    for (int i = 0; i < 200; ++i) sum += " + 1";
    CHECK(render(sum + " }}") == "200");
    std::string nested;
    for (int i = 0; i < 60; ++i) nested += "{% if true %}";
    nested += "deep";
    for (int i = 0; i < 60; ++i) nested += "{% endif %}";
    CHECK(render(nested) == "deep");
  }
  SECTION("render errors point at the failing expression") {
    const TemplateError e = error_of("{% for m in messages %}\n{{ m.content + 1 }}\n{% endfor %}",
                                     {{"messages", {{{"content", "hi"}}}}});
    CHECK(e.kind() == TemplateError::Kind::render);
    CHECK(e.line() == 2);
    CHECK(e.message() == "can only concatenate str (not \"int\") to str");
    CHECK(error_of("{{ 1 / 0 }}").message() == "division by zero");
    CHECK(error_of("{{ 'a' < 1 }}").message() == "'<' not supported between instances of 'str' and 'int'");
    CHECK(error_of("{{ 5|length }}").message() == "object of type 'int' has no len()");
  }
}

TEST_CASE("options: trim_blocks and lstrip_blocks can be turned off", "[unit]") {
  ChatTemplateOptions plain;
  plain.trim_blocks = false;
  plain.lstrip_blocks = false;
  CHECK(ChatTemplate::parse("  {% if true %}\nx\n  {% endif %}\n", plain).render(json::object()) == "  \nx\n  ");
}

TEST_CASE("apply_chat_template passes what transformers passes", "[unit]") {
  const std::string t =
      "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}"
      "{% if add_generation_prompt %}<assistant>{% endif %}|{{ tools is defined }}{{ tools is none }}"
      "{{ documents is none }}";
  const json msgs = json::parse(R"([{"role": "user", "content": "hi"}])");
  CHECK(dsforge::data::apply_chat_template(t, msgs, true, {{"bos_token", "<s>"}}) ==
        "<s><user>hi<assistant>|TrueTrueTrue");
  CHECK(dsforge::data::apply_chat_template(t, msgs, false) == "<user>hi|TrueTrueTrue");
  const json ctx = dsforge::data::make_chat_context(msgs, true, {{"tools", json::array({1})}});
  CHECK(ctx["tools"] == json::array({1}));
  CHECK(ctx["add_generation_prompt"] == true);
  CHECK_THROWS_WITH(dsforge::data::make_chat_context(json::object(), true, json::object()),
                    "chat messages must be a JSON array, got object");
  // Parse once, render many; copies share the parsed template.
  const ChatTemplate parsed = ChatTemplate::parse(t);
  const ChatTemplate copy = parsed;
  CHECK(copy.apply(msgs, false) == parsed.apply(msgs, false));
  CHECK(copy.source() == t);
}

TEST_CASE("tokenizer_config loader", "[unit]") {
  TempDir dir;
  SECTION("a template string and AddedToken dicts") {
    const std::string path = dir.write("tokenizer_config.json", R"({
      "chat_template": "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}",
      "bos_token": {"__type": "AddedToken", "content": "<B>", "lstrip": false},
      "eos_token": "<E>", "unk_token": null,
      "additional_special_tokens": ["<x>", {"content": "<y>"}]})");
    const auto config = dsforge::data::load_tokenizer_chat_config(path);
    CHECK(config.special_tokens.dump() ==
          R"({"bos_token":"<B>","eos_token":"<E>","additional_special_tokens":["<x>","<y>"]})");
    CHECK(config.apply(json::parse(R"([{"role": "user", "content": "hi"}])"), false) == "<B>hi<E>");
    // A folder works too.
    CHECK(dsforge::data::load_tokenizer_chat_config(dir.path).templates.size() == 1);
  }
  SECTION("named templates: default, tool_use, by name") {
    const std::string path = dir.write("tokenizer_config.json", R"({"chat_template": [
      {"name": "default", "template": "D"}, {"name": "tool_use", "template": "T"}, {"name": "rag", "template": "R"}]})");
    const auto config = dsforge::data::load_tokenizer_chat_config(path);
    CHECK(config.template_source() == "D");
    CHECK(config.template_source("", true) == "T");
    CHECK(config.template_source("rag") == "R");
    CHECK(config.apply(json::array(), false, {{"tools", json::array({1})}}) == "T");
    CHECK_THROWS_WITH(config.template_source("nope"),
                      path + ": no chat template named 'nope' (have: default, tool_use, rag)");
  }
  SECTION("chat_template.jinja beside a config without one") {
    dir.write("tokenizer_config.json", R"({"eos_token": "</s>"})");
    dir.write("chat_template.jinja", "{{ eos_token }}!\n");
    const auto config = dsforge::data::load_tokenizer_chat_config(dir.path + "/tokenizer_config.json");
    CHECK(config.apply(json::array(), false) == "</s>!");
  }
  SECTION("errors name the file") {
    dir.write("tokenizer_config.json", "{\n  \"chat_template\": 3,\n}");
    try {
      dsforge::data::load_tokenizer_chat_config(dir.path);
      FAIL("no error");
    } catch (const ds::Error& e) {
      CHECK(e.code() == DS_ERR_BAD_DATA);
      CHECK(std::string(e.what()).find(dir.path + "/tokenizer_config.json:3:") == 0);
    }
    dir.write("tokenizer_config.json", R"({"chat_template": 3})");
    CHECK_THROWS_WITH(dsforge::data::load_tokenizer_chat_config(dir.path),
                      dir.path + "/tokenizer_config.json: chat_template must be a string or a list of "
                                 "{name, template}, got number");
    dir.write("tokenizer_config.json", R"({"bos_token": "<s>"})");
    CHECK_THROWS_WITH(dsforge::data::load_tokenizer_chat_config(dir.path),
                      dir.path + "/tokenizer_config.json has no chat_template, and there is no "
                                 "chat_template.jinja or chat_template.json beside it");
    CHECK_THROWS_WITH(dsforge::data::load_tokenizer_chat_config(dir.path + "/missing.json"),
                      "cannot open " + dir.path + "/missing.json: No such file or directory");
  }
}
