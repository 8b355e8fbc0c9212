/**
 * A compact list of top-level domains (IANA root zone): every country code, the legacy generic TLDs and
 * the new gTLDs common in addresses. Enough to reject `a@b`, `file.txt` or `v1.2`; not a public-suffix list.
 */
const COUNTRY_CODES =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj ' +
  'fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io ' +
  'iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me ' +
  'mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf ' +
  'pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su ' +
  'sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ' +
  'ws ye yt za zm zw';

const GENERIC =
  'com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat post xxx ' +
  'app dev xyz online site tech store shop blog cloud email live news club top space website digital ' +
  'agency company solutions services network systems group media studio design world life today global ' +
  'center support academy bank law health care finance capital consulting ventures social marketing ' +
  'software page link click one art fun icu vip work io ai me tv co inc llc ltd gmbh berlin london paris ' +
  'nyc tokyo amsterdam wien swiss bayern scot wales eus gal quebec africa moe page host press security ' +
  'consulting legal energy events family fitness photography pizza restaurant school university ' +
  'education engineering expert finance fund games guru house institute international management ' +
  'money partners photos plus run science team technology tips tools training video zone google ' +
  'amazon apple microsoft';

/** Names reserved by RFC 2606/6761 and private-network conventions: real mailboxes live there too. */
const RESERVED = 'test example invalid localhost local internal lan corp home intranet';

export const TOP_LEVEL_DOMAINS: ReadonlySet<string> = new Set(
  `${COUNTRY_CODES} ${GENERIC} ${RESERVED}`.split(/\s+/).filter((t) => t.length > 0),
);

/** TLDs that are also common file extensions: `setup.py`, `README.md`, `build.sh` are files, not domains. */
export const FILE_EXTENSION_TLDS: ReadonlySet<string> = new Set([
  'py',
  'md',
  'sh',
  'rs',
  'pl',
  'cc',
  'so',
  'am',
  'ai',
  'ps',
  'ml',
  'mk',
  'ts',
  'js',
  'go',
  'gz',
  'zip',
  'mov',
  'cs',
  'sc',
  'al',
  'ac',
  'do',
  'in',
  'it',
  'me',
  'is',
  'at',
  'to',
  'by',
  'as',
  'no',
  'an',
  'us',
]);

/** True for a known TLD or an internationalised one (`xn--…`). */
export function isKnownTld(label: string): boolean {
  const tld = label.toLowerCase();
  return TOP_LEVEL_DOMAINS.has(tld) || /^xn--[a-z0-9-]{2,59}$/.test(tld);
}
