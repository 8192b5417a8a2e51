/**
 * Topic rules (src/nlp/topics.ts) and the built-in taxonomy (src/nlp/topics-default.ts): the
 * grammar, every error message, matching semantics, the default topics on realistic posts, and
 * the Aho–Corasick matcher against a naive substring reference on random rules and texts.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_TOPICS } from '../../src/nlp/topics-default.js'
import { INERT_ASTRAL, TopicRuleError, compileRule, createTopicMatcher, foldTopicText, normaliseTopicText, parseRule, ruleError, showRule, type RuleNode } from '../../src/nlp/topics.js'
import { prng } from '../helpers/generate.js'

const show = (rule: string) => showRule(parseRule(rule))
const one = (rule: string, text: string) => compileRule(rule).test(text)
const tags = (rule: string, text: string) => createTopicMatcher([{ name: 't', rule }]).match(text).length === 1

describe('rule grammar', () => {
  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(show('a OR b AND c')).toBe('("a" OR ("b" AND "c"))')
    expect(show('a AND b OR c')).toBe('(("a" AND "b") OR "c")')
    expect(show('NOT a AND b')).toBe('(NOT "a" AND "b")')
    expect(show('a OR b c NOT d')).toBe('("a" OR ("b" AND "c" AND NOT "d"))')
    expect(show('(a OR b) c')).toBe('(("a" OR "b") AND "c")')
    expect(show('NOT (a OR b) c')).toBe('(NOT ("a" OR "b") AND "c")')
    expect(show('NOT NOT a')).toBe('"a"')
    expect(show('NOT NOT NOT a')).toBe('NOT "a"')
  })
  it('reads adjacent operands as AND, including groups and phrases', () => {
    expect(show('宝安 地铁')).toBe(show('宝安 AND 地铁'))
    expect(show('宝安 地铁 OR 南山 公交')).toBe('(("宝安" AND "地铁") OR ("南山" AND "公交"))')
    expect(show('宝安(地铁 OR 公交)"早 高峰"')).toBe('("宝安" AND ("地铁" OR "公交") AND "早 高峰")')
    expect(show('a NOT b')).toBe(show('a AND NOT b'))
  })
  it('takes words as runs without white space, parentheses, quotes or operator symbols', () => {
    expect(show('地铁11号线 12345 110 iPhone COVID-19 0755-12345')).toBe('("地铁11号线" AND "12345" AND "110" AND "iphone" AND "covid-19" AND "0755-12345")')
    expect(show('ORDER NOTE ANDROID')).toBe('("order" AND "note" AND "android")')
  })
  it('keeps quoted phrases whole, with spaces and operator characters', () => {
    expect(show('"iPhone 15 Pro" OR "A|B (C)" OR “地铁 公交”')).toBe('("iphone 15 pro" OR "a|b (c)" OR "地铁 公交")')
    expect(show('"AND" "OR"')).toBe('("and" AND "or")')
    expect(show('＂全角 引号＂')).toBe('"全角 引号"')
    expect(show('"  多  空格 "')).toBe('"多 空格"')
  })
  it('accepts full-width parentheses', () => {
    expect(show('（地铁 OR 公交） 宝安')).toBe('(("地铁" OR "公交") AND "宝安")')
    expect(show('(地铁 OR 公交） 宝安')).toBe(show('(地铁 OR 公交) 宝安'))
  })
  it('accepts the operator symbols & + | ! and a leading -', () => {
    expect(show('a & b | c')).toBe(show('a AND b OR c'))
    expect(show('a && b || c')).toBe(show('a AND b OR c'))
    expect(show('a+b|c')).toBe(show('a AND b OR c'))
    expect(show('a ＆ b ｜ c ＋ d')).toBe(show('a AND b OR c AND d'))
    expect(show('a !b')).toBe(show('a NOT b'))
    expect(show('a ！b')).toBe(show('a NOT b'))
    expect(show('宝安 -广告')).toBe(show('宝安 NOT 广告'))
    expect(show('宝安 - 广告')).toBe(show('宝安 NOT 广告'))
    expect(show('宝安 －广告')).toBe(show('宝安 NOT 广告'))
    expect(show('(地铁|公交)-游戏')).toBe(show('(地铁 OR 公交) NOT 游戏'))
    // inside a word - is a hyphen
    expect(show('宝安-广告')).toBe('"宝安-广告"')
  })
  it('normalises terms like texts: NFKC, lower case, white space', () => {
    expect(show('ＰＭ２.５ ＡＢＣ')).toBe('("pm2.5" AND "abc")')
    expect(show('"a\n\tb"')).toBe('"a b"')
  })
})

describe('rule errors', () => {
  const cases: Array<[string, string]> = [
    ['', 'rule "": empty rule: expected a term'],
    ['   ', 'rule "   ": empty rule: expected a term'],
    ['(地铁 OR', 'rule "(地铁 OR": expected a term or "(" after OR at character 7 (end of rule)'],
    ['(地铁', 'rule "(地铁": missing ")" at character 4 (end of rule) to close "(" at character 1'],
    ['（地铁 OR 公交', 'rule "（地铁 OR 公交": missing ")" at character 10 (end of rule) to close "（" at character 1'],
    ['地铁)', 'rule "地铁)": unexpected ")" at character 3 (no "(" to close)'],
    ['(地铁) 公交）', 'rule "(地铁) 公交）": unexpected "）" at character 8 (no "(" to close)'],
    ['OR 地铁', 'rule "OR 地铁": expected a term or "(" at character 1, found OR'],
    ['地铁 OR OR 公交', 'rule "地铁 OR OR 公交": expected a term or "(" after OR at character 7, found OR'],
    ['地铁 AND', 'rule "地铁 AND": expected a term or "(" after AND at character 7 (end of rule)'],
    ['地铁 OR )', 'rule "地铁 OR )": expected a term or "(" after OR at character 7, found ")"'],
    ['地铁 NOT', 'rule "地铁 NOT": expected a term or "(" after NOT at character 7 (end of rule)'],
    ['地铁 -', 'rule "地铁 -": expected a term or "(" after "-" at character 5 (end of rule)'],
    ['C++', 'rule "C++": expected a term or "(" after "+" at character 3, found "+"'],
    ['| 地铁', 'rule "| 地铁": expected a term or "(" at character 1, found "|"'],
    ['()', 'rule "()": empty parentheses: expected a term or "(" at character 2, found ")"'],
    ['地铁 ()', 'rule "地铁 ()": empty parentheses: expected a term or "(" at character 5, found ")"'],
    ['"地铁 公交', 'rule ""地铁 公交": missing closing " at character 7 (end of rule) for the phrase opened at character 1'],
    ['“地铁 公交', 'rule "“地铁 公交": missing closing ” at character 7 (end of rule) for the phrase opened at character 1'],
    ['地铁 ”', 'rule "地铁 ”": unexpected ” at character 4 (no “ to close)'],
    ['地铁 ""', 'rule "地铁 """: empty phrase at character 4: expected a term inside the quotes'],
    ['地铁 "  "', 'rule "地铁 "  "": empty phrase at character 4: expected a term inside the quotes'],
    ['地铁 \u200b', 'rule "地铁 \u200b": term "\u200b" at character 4 has nothing to match once normalised'],
    ['地铁 or 公交', 'rule "地铁 or 公交": "or" at character 4 is ambiguous: write OR for the operator or "or" in quotes for the word'],
    ['地铁 And 公交', 'rule "地铁 And 公交": "And" at character 4 is ambiguous: write AND for the operator or "And" in quotes for the word'],
    ['not 广告 地铁', 'rule "not 广告 地铁": "not" at character 1 is ambiguous: write NOT for the operator or "not" in quotes for the word'],
  ]
  it.each(cases)('%j', (rule, message) => {
    expect(() => compileRule(rule)).toThrow(TopicRuleError)
    expect(ruleError(rule)).toBe(message)
  })
  it('reports the position and shows long rules on one line, with the text near the problem', () => {
    const rule = '地铁 OR 公交 OR 拥堵 OR 堵车 OR 早高峰 OR 晚高峰 OR 交警 OR 红绿灯 OR\n信号灯 OR 斑马线 OR OR 路口'
    let err: unknown
    try {
      compileRule(rule)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(TopicRuleError)
    const e = err as TopicRuleError
    expect(e.position).toBe(66)
    expect(e.message).not.toContain('\n')
    expect(e.message).toBe(
      'rule "地铁 OR 公交 OR 拥堵 OR 堵车 OR 早高峰 OR 晚高峰 OR 交警 OR 红绿灯 OR 信号灯 OR 斑…": expected a term or "(" after OR at character 66, found OR (near "…OR 斑马线 OR OR 路口")',
    )
  })
  it('rejects nesting deep enough to exhaust the stack', () => {
    expect(ruleError('('.repeat(101) + 'a' + ')'.repeat(101))).toBe(`rule "${'('.repeat(59)}…": parentheses nested deeper than 100 at character 101 (near "…(((((((((((a))))))))…")`)
    expect(ruleError('('.repeat(100) + 'a' + ')'.repeat(100))).toBeNull()
    // runs of NOT are read without recursion
    expect(ruleError('!'.repeat(100_000) + 'a')).toBeNull()
    expect(ruleError('!'.repeat(100_001) + 'a')).toMatch(/none of its terms/)
  })
  it('names the topic when a matcher is built from a bad rule, and refuses repeated names', () => {
    expect(() => createTopicMatcher([{ name: '交通', rule: '地铁 OR' }])).toThrow('topic "交通": rule "地铁 OR": expected a term or "(" after OR at character 6 (end of rule)')
    expect(() => createTopicMatcher([{ name: 'a', rule: 'x' }, { name: 'a', rule: 'y' }])).toThrow('topic "a" is defined twice')
  })
})

describe('negative-only rules', () => {
  const negative = 'it would match texts that contain none of its terms (a NOT with nothing required); add what a text must contain, e.g. 地铁 NOT 广告'
  it.each(['NOT 广告', '-广告', '!广告', 'NOT (广告 OR 推广)', '地铁 OR NOT 广告', '(NOT 广告) OR 地铁', 'NOT (地铁 AND 公交)', 'NOT NOT NOT a', 'a OR (b OR NOT c)'])('rejects %j', (rule) => {
    expect(ruleError(rule)).toBe(`rule "${rule}": ${negative}`)
  })
  it.each(['NOT 广告 地铁', '(NOT 广告) 地铁', '地铁 (NOT 广告 NOT 推广)', 'NOT NOT a', 'NOT (NOT a OR NOT b)', '地铁 OR (公交 NOT 广告)'])('accepts %j', (rule) => {
    expect(ruleError(rule)).toBeNull()
  })
})

describe('matching', () => {
  it('matches terms as substrings of the normalised text', () => {
    expect(one('地铁', '地铁11号线又停运了')).toBe(true)
    expect(one('11号线', '地铁11号线又停运了')).toBe(true)
    expect(one('地铁 公交', '今天坐地铁上班')).toBe(false)
    expect(one('地铁 公交', '坐地铁换公交')).toBe(true)
  })
  it('ignores Latin case and full-width forms on both sides', () => {
    expect(tags('iPhone', 'IPHONE 16 发布')).toBe(true)
    expect(tags('IPHONE', 'iphone 16 发布')).toBe(true)
    expect(tags('iphone', 'ｉＰｈｏｎｅ１６')).toBe(true)
    expect(tags('ＰＭ2.5', '今天pm2.5爆表')).toBe(true)
    expect(tags('GDP', '宝安gdp增长')).toBe(true)
  })
  it('matches phrases across any run of white space', () => {
    expect(tags('"iPhone 15"', 'iPhone  15 降价')).toBe(true)
    expect(tags('"iPhone 15"', 'iPhone\n15 降价')).toBe(true)
    expect(tags('"iPhone 15"', 'iPhone\u300015 降价')).toBe(true)
    expect(tags('"iPhone 15"', 'iPhone15 降价')).toBe(false)
    expect(tags('"a b c"', 'a \n b\t\tc')).toBe(true)
  })
  it('excludes a text that holds a NOT term anywhere, and scopes NOT by parentheses', () => {
    expect(tags('地铁 NOT 游戏', '地铁很挤')).toBe(true)
    expect(tags('地铁 NOT 游戏', '在地铁上玩游戏')).toBe(false)
    const scoped = '(教育 NOT 受教育) OR 学校'
    expect(tags(scoped, '教育局发布通知')).toBe(true)
    expect(tags(scoped, '他从小受教育不多')).toBe(false)
    expect(tags(scoped, '他从小受教育不多，学校很远')).toBe(true)
    expect(tags('NOT 广告 地铁', '地铁广告')).toBe(false)
    expect(tags('NOT 广告 地铁', '地铁')).toBe(true)
    expect(tags('a NOT (b NOT c)', 'a b')).toBe(false)
    expect(tags('a NOT (b NOT c)', 'a b c')).toBe(true)
  })
  it('returns every matching topic in definition order, and the terms that made each', () => {
    const m = createTopicMatcher([
      { name: 'z', rule: '公交 OR 地铁 NOT 游戏' },
      { name: 'a', rule: '宝安' },
      { name: 'm', rule: 'NOT 广告 "地铁 站"' },
      { name: 'none', rule: '南山' },
    ])
    expect(m.match('宝安  地铁\n站 公交')).toEqual(['z', 'a', 'm'])
    expect(m.matchDetailed('宝安地铁 站 广告')).toEqual([
      { topic: 'z', terms: ['地铁'] },
      { topic: 'a', terms: ['宝安'] },
    ])
    expect(m.matchDetailed('IPHONE 地铁 站 公交')).toEqual([
      { topic: 'z', terms: ['公交', '地铁'] },
      { topic: 'm', terms: ['地铁 站'] },
    ])
    expect(m.match('')).toEqual([])
    expect(m.match('今天天气不错')).toEqual([])
    expect(createTopicMatcher([]).match('宝安')).toEqual([])
  })
  it('reports the terms that made the match, spelt as in the rule, each once', () => {
    const m = createTopicMatcher([{ name: 't', rule: 'iPhone OR IPHONE OR (苹果 NOT (NOT 手机)) OR (华为 NOT 假货) OR (小米 NOT 米粉)' }])
    // 手机 counts (two NOTs); 华为 is present but its group fails because of 假货; 米粉 is an exclusion
    expect(m.matchDetailed('iphone 苹果手机 华为 假货 小米')).toEqual([{ topic: 't', terms: ['iPhone', '苹果', '手机', '小米'] }])
    expect(m.matchDetailed('iphone 华为 小米 米粉')).toEqual([{ topic: 't', terms: ['iPhone', '华为'] }])
    expect(createTopicMatcher([{ name: 'n', rule: 'a NOT (b NOT c)' }]).matchDetailed('a b c')).toEqual([{ topic: 'n', terms: ['a', 'c'] }])
    // r is absent, so (r NOT (p q)) fails on r alone: p, present, explains nothing
    expect(createTopicMatcher([{ name: 'n', rule: 'z NOT (r NOT (p q))' }]).matchDetailed('z p')).toEqual([{ topic: 'n', terms: ['z'] }])
    expect(createTopicMatcher([{ name: 'n', rule: 'z NOT (r NOT (p q))' }]).matchDetailed('z p q r')).toEqual([{ topic: 'n', terms: ['z', 'p', 'q'] }])
  })
  it('finds overlapping and nested terms (the automaton\'s output links)', () => {
    const m = createTopicMatcher([
      { name: 'ab', rule: '宝安区' },
      { name: 'b', rule: '安区' },
      { name: 'c', rule: '区' },
      { name: 'long', rule: '深圳市宝安区西乡' },
      { name: 'he', rule: 'he OR she OR his OR hers' },
    ])
    expect(m.match('深圳市宝安区西乡街道')).toEqual(['ab', 'b', 'c', 'long'])
    expect(m.match('深圳市宝安区西')).toEqual(['ab', 'b', 'c'])
    expect(m.matchDetailed('ushers')).toEqual([{ topic: 'he', terms: ['he', 'she', 'hers'] }])
  })
})

// ---------------------------------------------------------------------------------------------
// The default taxonomy

describe('DEFAULT_TOPICS', () => {
  const matcher = createTopicMatcher(DEFAULT_TOPICS)

  it('has the fourteen topics of a district government, all compiling', () => {
    expect(DEFAULT_TOPICS.map((t) => t.name)).toEqual(['治安', '城管', '交通', '教育', '医疗卫生', '就业', '环保', '住房', '食品药品安全', '安全生产', '营商/产业', '政务服务', '文旅', '民生投诉'])
    for (const t of DEFAULT_TOPICS) expect(ruleError(t.rule), t.name).toBeNull()
  })
  it('uses 20–50 positive terms per topic, one-line rules, and no term its topic already covers', () => {
    for (const t of DEFAULT_TOPICS) {
      const c = compileRule(t.rule)
      expect(c.positive.length, t.name).toBeGreaterThanOrEqual(20)
      expect(c.positive.length, t.name).toBeLessThanOrEqual(50)
      expect(t.rule, t.name).not.toMatch(/\n|\s\s/)
      // The topic's own OR list (the tree's top OR, under the topic-wide NOT if any): a term
      // that contains another term of the list can never add a match.
      const top = c.ast.type === 'and' ? c.ast.kids.find((k) => k.type === 'or') : c.ast
      const direct = top?.type === 'or' ? top.kids.flatMap((k) => (k.type === 'term' ? [k.term] : [])) : []
      const redundant = direct.filter((a) => direct.some((b) => b !== a && a.includes(b)))
      expect(redundant, t.name).toEqual([])
    }
  })

  // Weibo posts and news headlines, with the topics a monitoring analyst would file them under.
  const samples: Array<[string, string[]]> = [
    ['宝安区城管局30分钟内回应了市民投诉，效率很高👍', ['城管', '民生投诉']],
    ['早高峰地铁11号线宝安中心站人挤人，等了三趟车才上去', ['交通']],
    ['【宝安交警】107国道西乡路段发生两车追尾，现场已处置完毕，请过往车辆注意绕行', ['交通']],
    ['西乡街道某小区昨晚发生火灾，消防员及时赶到，未造成人员伤亡', ['安全生产']],
    ['宝安区一工地塔吊倒塌，应急管理局已介入调查', ['安全生产']],
    ['沙井一家奶茶店被曝后厨老鼠乱窜，市场监管局已立案调查', ['食品药品安全']],
    ['孩子在学校食堂吃完午饭后集体腹泻，家长群里都炸了', ['教育', '食品药品安全']],
    ['2025年宝安区公办中小学学位申请将于5月开始，积分入学规则有调整', ['教育']],
    ['这部纪录片很有教育意义，推荐大家带孩子去看', []],
    ['他从小受教育不多，但是为人很实在', []],
    ['宝安人民医院急诊等了三个小时没人管，发烧的孩子一直哭', ['医疗卫生', '民生投诉']],
    ['福永某电子厂拖欠工资三个月，几十名农民工到劳动监察大队讨薪', ['就业']],
    ['宝安区今年将新增就业岗位2万个，举办百场招聘会', ['就业']],
    ['高薪招聘！兼职刷单日结，手机操作躺赚', []],
    ['茅洲河宝安段水质明显改善，黑臭水体基本消除', ['环保']],
    ['半夜施工噪音扰民，投诉了好几次都没用', ['环保', '民生投诉']],
    ['松岗某楼盘延期交房一年，业主维权无果', ['住房', '民生投诉']],
    ['宝安城中村综合整治后，租金涨了不少，打工人压力山大', ['住房']],
    ['凤凰山景区国庆期间接待游客超10万人次', ['文旅']],
    ['宝安体育中心周末有演唱会，附近道路交通管制，建议乘坐地铁出行', ['交通', '文旅']],
    ['宝安区政务服务中心推出一网通办，办事群众少跑腿', ['政务服务']],
    ['打了12345反映小区门口占道经营的问题，到现在都没人管', ['城管', '政务服务', '民生投诉']],
    ['宝安区召开营商环境优化大会，为民营企业纾困解难', ['营商/产业']],
    ['宝安低空经济产业园项目签约落户，总投资50亿元', ['营商/产业']],
    ['西乡派出所民警成功抓获一名盗窃电动车的嫌疑人', ['治安']],
    ['宝安某城中村电动车飞线充电引发火灾', ['住房', '安全生产']],
    ['电视剧《狂飙》里警方抓捕嫌疑人那段太燃了', []],
    ['玩地铁跑酷玩到停不下来', []],
    ['今天天气真好，和朋友去吃了火锅', []],
    ['中国宝安(000009)今日涨停，成交额明显放大', []],
    ['宝安机场航班大面积延误，大批旅客滞留', ['交通']],
    ['宝安区卫健局提醒：登革热进入高发季节，请市民做好防蚊灭蚊', ['医疗卫生']],
    ['沙井某餐馆后厨卫生堪忧，顾客在菜里吃出虫子', ['食品药品安全']],
    ['宝安区开展燃气安全隐患排查整治行动', ['安全生产']],
    ['深圳市宝安区新安街道一男子持刀伤人，已被警方刑拘', ['治安']],
    ['石岩河附近工厂偷排废水，河面漂浮大量死鱼，臭气熏天', ['环保', '民生投诉']],
    ['求助：宝安哪里可以办港澳通行证？急！', ['政务服务', '民生投诉']],
    ['宝安中心区写字楼停电两小时，电梯困人，物业迟迟不处理', ['住房', '安全生产', '民生投诉']],
    ['某艺人超话被恶意举报，粉丝集体反黑', []],
    ['iPhone 16 Pro 在宝安万象汇开售，现场排起长队', []],
    ['这个政策充分反映了政府对民生的关心', []],
    ['家门口新开了一家宠物医院，带猫咪看病方便多了', []],
    ['学校门口早晚高峰经常拥堵，希望交警来疏导一下', ['交通', '教育']],
    ['今天去社康打了流感疫苗，几乎不用排队', ['医疗卫生']],
    ['区教育局回应：某小学教师体罚学生一事已调查处理', ['教育']],
    ['反诈民警进校园，给同学们上了一堂防骗课', ['治安', '教育']],
    ['宝安区委理论学习中心组开展主题教育专题学习', []],
    ['宝安发布暴雨橙色预警，请市民注意防范', []],
    ['今日宝安PM2.5指数偏高，空气质量一般', ['环保']],
    ['宝安一小区加装电梯遭低层业主反对，邻里纠纷不断', ['住房', '民生投诉']],
    ['沙井夜市人气爆炸，周末一位难求', ['文旅']],
    ['连夜加班加点抢修供水管道，确保居民正常用水', []],
    ['人生就像十字路口，选择很重要', []],
    ['十字路口红绿灯坏了一上午，也没见交警来', ['交通']],
    ['宝安区人民法院公开审理一起合同纠纷案', []],
    ['宝安区经济运行稳中向好，一季度GDP同比增长6.2%', ['营商/产业']],
    ['上海交通大学2025年招生简章发布', ['教育']],
    ['交通银行宝安支行开展金融知识宣传', []],
    ['#宝安身边事# 西乡这边停水了吗？一滴水都没有', ['民生投诉']],
    ['宝安区举行2025年防汛应急演练', ['安全生产']],
  ]
  const order = new Map(DEFAULT_TOPICS.map((t, i) => [t.name, i]))
  it.each(samples)('%s', (text, expected) => {
    expect(matcher.match(text)).toEqual([...expected].sort((a, b) => order.get(a)! - order.get(b)!))
  })
  it('tags the samples exactly as the rules do one by one', () => {
    const rules = DEFAULT_TOPICS.map((t) => compileRule(t.rule))
    for (const [text] of samples) expect(matcher.match(text)).toEqual(DEFAULT_TOPICS.filter((_, i) => rules[i]!.test(text)).map((t) => t.name))
  })
  it('explains a tag by its terms', () => {
    expect(matcher.matchDetailed('打了12345反映小区门口占道经营的问题，到现在都没人管')).toEqual([
      { topic: '城管', terms: ['占道'] },
      { topic: '政务服务', terms: ['打了12345'] },
      { topic: '民生投诉', terms: ['没人管'] },
    ])
  })
})

// ---------------------------------------------------------------------------------------------
// The automaton against a naive reference

/** The reference: normalise as documented (NFKC, zero-width removed, lower case, white space) and look each term up with includes(). */
const norm = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\u200b-\u200f\u2060-\u2064\ufeff]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
type Gen = { type: 'term'; raw: string } | { type: 'and' | 'or'; kids: Gen[] } | { type: 'not'; kid: Gen }
function refEval(g: Gen, text: string): boolean {
  switch (g.type) {
    case 'term':
      return text.includes(norm(g.raw).trim())
    case 'and':
      return g.kids.every((k) => refEval(k, text))
    case 'or':
      return g.kids.some((k) => refEval(k, text))
    case 'not':
      return !refEval(g.kid, text)
  }
}
/** The present terms that make g take the value `want` (the documented meaning of matchDetailed's terms). */
function refMade(g: Gen, text: string, want = true, out = new Set<string>()): Set<string> {
  if (g.type === 'term') {
    const t = norm(g.raw).trim()
    if (want && text.includes(t)) out.add(t)
  } else if (g.type === 'not') refMade(g.kid, text, !want, out)
  else if ((g.type === 'and' && want) || (g.type === 'or' && !want)) for (const k of g.kids) refMade(k, text, want, out)
  else for (const k of g.kids) if (refEval(k, text) === want) refMade(k, text, want, out)
  return out
}

function fuzz(seed: number, alphabet: string[], opts: { rules: number; texts: number; topicsPer: number; maxTerm: number }) {
  const rnd = prng(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!
  const word = (): string => {
    let w = ''
    const n = 1 + int(opts.maxTerm)
    for (let i = 0; i < n; i++) w += pick(alphabet)
    return norm(w).trim() === '' ? word() : w
  }
  const gen = (depth: number): Gen => {
    const r = rnd()
    if (depth <= 0 || r < 0.4) return { type: 'term', raw: word() }
    if (r < 0.55) return { type: 'not', kid: gen(depth - 1) }
    return { type: rnd() < 0.5 ? 'and' : 'or', kids: Array.from({ length: 2 + int(3) }, () => gen(depth - 1)) }
  }
  // Prints a generated tree in a random one of the equivalent spellings.
  const print = (g: Gen): string => {
    const paren = (s: string) => (rnd() < 0.3 ? `（${s}）` : `(${s})`)
    switch (g.type) {
      case 'term': {
        const bare = !/[\s"“”＂()（）&＆+＋|｜!！]|^[-－]/.test(g.raw) && rnd() < 0.7
        return bare ? g.raw : rnd() < 0.2 ? `“${g.raw}”` : `"${g.raw}"`
      }
      case 'not': {
        const kid = print(g.kid)
        const inner = g.kid.type === 'and' || g.kid.type === 'or' ? paren(kid) : kid
        return `${pick(['NOT ', 'NOT ', ' -', ' !', ' ！', ' NOT '])}${inner}`
      }
      case 'and':
        return g.kids
          .map((k) => (k.type === 'or' || rnd() < 0.1 ? paren(print(k)) : print(k)))
          .reduce((a, b) => a + pick([' AND ', ' ', ' & ', ' + ', '&', ' && ', ' ＆ ']) + b)
      case 'or':
        return g.kids.map((k) => (rnd() < 0.1 ? paren(print(k)) : print(k))).reduce((a, b) => a + pick([' OR ', ' | ', '|', ' || ', ' ｜ ']) + b)
    }
  }
  const text = () => {
    let s = ''
    const n = int(40)
    for (let i = 0; i < n; i++) s += rnd() < 0.1 ? pick(['\n', '  ', '\u3000', '\t ', '。', '🙂']) : pick(alphabet)
    return s
  }
  let checked = 0
  let rejected = 0
  let tagged = 0
  for (let r = 0; r < opts.rules; r++) {
    const topics: Array<{ name: string; gen: Gen; rule: string }> = []
    for (let k = 0; k < opts.topicsPer; k++) {
      const g = gen(3)
      const rule = print(g)
      const expectRejected = refEval(g, '')
      const err = ruleError(rule)
      if (expectRejected) {
        expect(err, rule).toMatch(/none of its terms/)
        rejected++
      } else {
        expect(err, rule).toBeNull()
        topics.push({ name: `t${k}`, gen: g, rule })
      }
    }
    const m = createTopicMatcher(topics)
    for (let t = 0; t < opts.texts; t++) {
      // Texts built around the rules' own terms, so that topics match often.
      const s = text()
      const n = norm(s)
      const expected = topics.filter((tp) => refEval(tp.gen, n))
      expect(m.match(s), `${JSON.stringify(s)} ${topics.map((tp) => tp.rule).join(' ; ')}`).toEqual(expected.map((tp) => tp.name))
      const detailed = m.matchDetailed(s)
      expect(detailed.map((d) => d.topic)).toEqual(expected.map((tp) => tp.name))
      detailed.forEach((d, i) => expect(new Set(d.terms.map((x) => norm(x).trim()))).toEqual(refMade(expected[i]!.gen, n)))
      checked++
      if (expected.length) tagged++
    }
  }
  return { checked, rejected, tagged }
}

describe('per-character normalisation (the matcher\'s fast path)', () => {
  it('agrees with the definition on every BMP character it takes', () => {
    const bad: string[] = []
    let taken = 0
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue
      const ch = String.fromCharCode(c)
      const f = foldTopicText(ch)
      if (f === null) continue
      taken++
      if (f !== norm(ch)) bad.push(c.toString(16))
    }
    expect(bad).toEqual([])
    expect(taken).toBeGreaterThan(30_000)
    expect(normaliseTopicText('ＩＰＨＯＮＥ\u200b１５  …℃')).toBe('iphone15 ...°c')
  })
  it('agrees on every astral character it admits, and refuses the others', () => {
    const bad: string[] = []
    for (const [lo, hi] of INERT_ASTRAL)
      for (let cp = lo; cp <= hi; cp++) {
        const ch = String.fromCodePoint(cp)
        if (foldTopicText(ch) !== ch || norm(ch) !== ch) bad.push(cp.toString(16))
      }
    expect(bad).toEqual([])
    expect(foldTopicText('𝐀')).toBeNull() // mathematical bold A: NFKC makes it "a"
    expect(foldTopicText('\ud83d')).toBeNull() // a lone surrogate
    expect(foldTopicText('\udc4d')).toBeNull()
  })
  it('agrees on random mixtures (no character composes with a neighbour)', () => {
    const rnd = prng(5)
    const pool: string[] = []
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c)
      if ((c < 0xd800 || c > 0xdfff) && foldTopicText(ch) !== null && (c < 0x3400 || rnd() < 0.01)) pool.push(ch)
    }
    pool.push('👍', '😡', '🇨🇳', '𠮷', '❤️', '👍🏻')
    for (let i = 0; i < 200_000; i++) {
      let s = ''
      const n = 2 + Math.floor(rnd() * 4)
      for (let k = 0; k < n; k++) s += pool[Math.floor(rnd() * pool.length)]!
      const f = foldTopicText(s)
      if (f !== norm(s)) expect([s, f]).toEqual([s, norm(s)])
    }
  })
})

describe('matcher against the naive reference (seeded fuzz)', () => {
  it('agrees on random rules over a small mixed alphabet (case, full width, spaces, astral)', () => {
    const { checked, rejected, tagged } = fuzz(7, ['a', 'b', 'A', 'ａ', '地', '铁', '公', ' ', '𠮷', '1'], { rules: 300, texts: 20, topicsPer: 4, maxTerm: 3 })
    expect(checked).toBe(6000)
    expect(rejected).toBeGreaterThan(10) // the negative-only check was exercised too
    expect(tagged).toBeGreaterThan(checked / 5) // and texts do match
  })
  it('agrees where normalisation is delicate (multi-character folds, zero width, composition, case by context)', () => {
    // … and ℃ fold to several characters; 𠮷 👍 take the per-character path as surrogate pairs;
    // e + U+0301, ｶ + ﾞ, Σ, İ, 𝐀 (NFKC: a) and Hangul need the exact path.
    const { checked, rejected, tagged } = fuzz(13, ['.', '…', '℃', 'c', 'e', '\u0301', 'é', 'ｶ', 'ﾞ', 'ガ', 'Σ', 'σ', 'İ', 'i', '\u200b', '\u3000', '\u00a0', '！', '!', '👍', '𠮷', '𝐀', 'a', '한', '地'], { rules: 300, texts: 20, topicsPer: 4, maxTerm: 3 })
    expect(checked).toBe(6000)
    expect(rejected).toBeGreaterThan(10) // the negative-only check was exercised too
    expect(tagged).toBeGreaterThan(checked / 5) // and texts do match
  })
  it('agrees with a wide alphabet (states with many children)', () => {
    const wide = Array.from('宝安区地铁公交城管投诉学校医院环保住房食品火灾企业政务旅游民生xyz')
    expect(fuzz(11, wide, { rules: 100, texts: 30, topicsPer: 8, maxTerm: 2 }).tagged).toBeGreaterThan(300)
    // Every two-character term from 宝: a state with more children than the linear scan handles.
    const m = createTopicMatcher(wide.map((c, i) => ({ name: `t${i}`, rule: `宝${c}` })))
    for (const c of wide) expect(m.match(`今天宝${c}了`)).toEqual([`t${wide.indexOf(c)}`])
  })
  it('agrees on the default taxonomy over random Chinese text', () => {
    const rnd = prng(99)
    const rules = DEFAULT_TOPICS.map((t) => compileRule(t.rule))
    const m = createTopicMatcher(DEFAULT_TOPICS)
    const pool = rules.flatMap((r) => r.terms).concat(['，', '。', '宝安', '的', '了', ' '])
    let tagged = 0
    for (let i = 0; i < 2000; i++) {
      let s = ''
      while (s.length < 60) s += pool[Math.floor(rnd() * pool.length)]!.slice(rnd() < 0.3 ? 1 : 0)
      const expected = DEFAULT_TOPICS.filter((_, k) => rules[k]!.test(s)).map((t) => t.name)
      expect(m.match(s), s).toEqual(expected)
      if (expected.length) tagged++
    }
    expect(tagged).toBeGreaterThan(1000)
  })
})

// Kept last: RuleNode is part of the public API (the tree analyze --explain may print).
it('exposes the parsed tree', () => {
  const ast: RuleNode = parseRule('"宝安 区" NOT 广告')
  expect(ast).toEqual({
    type: 'and',
    kids: [
      { type: 'term', term: '宝安 区', raw: '宝安 区', pos: 1 },
      { type: 'not', kid: { type: 'term', term: '广告', raw: '广告', pos: 12 } },
    ],
  })
})
