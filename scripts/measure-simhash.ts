/**
 * Measures near-duplicate fingerprints on constructed pairs and prints the tables of
 * docs/simhash.md: `npx tsx scripts/measure-simhash.ts [--pairs N] [--seed S]`.
 *   --pairs N      pairs per kind (300)          --seed S      PRNG seed (20261125)
 *   --no-speed     quality tables only          --speed-only  speed figures only
 *   --quick        the chosen variant only, smaller speed runs
 *   --examples     one pair of every kind       --misses      every miss and false fold
 * About 1 minute for the quality tables, 10–15 for the speed figures (the index at 1–3 million).
 *
 * Positives (same story): Weibo reposts (转发微博, //@ chains with comments, emoji, hashtags,
 * URLs, copy-paste with a few characters changed, truncation at "…全文") and syndicated news
 * (another site's header and footer, 责任编辑/来源 lines, a changed title, a paragraph dropped
 * or two swapped, full-width/half-width punctuation, a few characters changed, combinations).
 * Negatives (different stories): the same templates re-filled with another district, street,
 * date and numbers (宝安区西乡街道发生一起交通事故 vs 龙岗区横岗街道…), posts on the same
 * event by different people, news of the same genre, short texts.
 * Everything is generated from the sentence material below with a seeded PRNG; the optional
 * real-text section reads ../shared/corpora (Weibo posts) when present and is skipped otherwise.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { prng } from '../src/core/random.js'
import { jiebaModule } from '../src/nlp/jieba.js'
import { tokenize, type Tokenized } from '../src/nlp/text.js'
import {
  DEFAULT_FINGERPRINT,
  MIN_SIMHASH_CHARS,
  NEAR_DUPLICATE_THRESHOLD,
  NearDuplicateIndex,
  cleanTokens,
  fingerprintText,
  fingerprintWith,
  hamming,
  popcount32,
  simhash64,
  type FingerprintOptions,
  type TokenSource,
} from '../src/nlp/simhash.js'

const argv = process.argv.slice(2)
const arg = (name: string, d: number): number => {
  const i = argv.indexOf(name)
  return i >= 0 ? Number(argv[i + 1]) : d
}
const PAIRS = arg('--pairs', 300) // per kind
const SEED = arg('--seed', 20261125)
const QUICK = argv.includes('--quick')
const SPEED = !argv.includes('--no-speed')
const QUALITY = !argv.includes('--speed-only')

// ---------------------------------------------------------------------------------------------
// Seeded randomness (src/core/random.ts) and helpers.

let rnd = prng(SEED)
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
const chance = (p: number) => rnd() < p
function sample<T>(a: readonly T[], k: number): T[] {
  const c = a.slice()
  for (let i = c.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[c[i], c[j]] = [c[j]!, c[i]!]
  }
  return c.slice(0, k)
}

// ---------------------------------------------------------------------------------------------
// Sentence material.

const DISTRICTS: Array<[string, string, string[]]> = [
  ['深圳', '宝安区', ['西乡街道', '新安街道', '福永街道', '沙井街道', '松岗街道', '石岩街道', '航城街道', '福海街道', '新桥街道', '燕罗街道']],
  ['深圳', '龙岗区', ['横岗街道', '布吉街道', '坂田街道', '平湖街道', '龙城街道', '坪地街道', '园山街道']],
  ['深圳', '南山区', ['粤海街道', '蛇口街道', '招商街道', '西丽街道', '桃源街道', '沙河街道']],
  ['深圳', '福田区', ['华强北街道', '莲花街道', '梅林街道', '香蜜湖街道', '沙头街道']],
  ['深圳', '龙华区', ['民治街道', '大浪街道', '观澜街道', '龙华街道', '福城街道']],
  ['深圳', '光明区', ['公明街道', '凤凰街道', '玉塘街道', '马田街道']],
  ['深圳', '罗湖区', ['东门街道', '翠竹街道', '黄贝街道', '笋岗街道']],
  ['广州', '天河区', ['石牌街道', '猎德街道', '员村街道', '棠下街道']],
  ['广州', '番禺区', ['市桥街道', '大石街道', '洛浦街道', '南村镇']],
  ['佛山', '顺德区', ['大良街道', '容桂街道', '伦教街道', '北滘镇']],
  ['长沙', '岳麓区', ['望月湖街道', '橘子洲街道', '梅溪湖街道']],
  ['武汉', '洪山区', ['关山街道', '珞南街道', '狮子山街道']],
  ['成都', '武侯区', ['玉林街道', '浆洗街街道', '红牌楼街道']],
  ['杭州', '余杭区', ['五常街道', '闲林街道', '仓前街道']],
]
const ROADS = ['宝安大道', '创业路', '107国道', '深南大道', '北环大道', '龙岗大道', '沙河西路', '前进路', '新湖路', '留仙大道', '布龙路', '梅观高速', '广深公路', '中山大道', '黄埔大道', '岳麓大道', '珞喻路', '人民南路', '文一西路', '松白路', '南海大道', '桃园路']
const ESTATES = ['碧海花园', '翠岭华庭', '阳光小区', '金域华府', '怡景花园', '海滨新村', '幸福里', '龙光玖龙台', '锦绣江南', '万科城', '富通城', '凤凰苑', '丽景城', '桃源居', '星海名城', '半岛花园']
const POIS = ['地铁站', '公交总站', '菜市场', '人民医院', '社康中心', '图书馆', '体育中心', '工业园', '城中村', '购物广场', '汽车站', '中心公园', '政务服务中心', '派出所', '步行街', '农贸市场']
const SCHOOLS = ['实验学校', '第一小学', '外国语学校', '中学', '实验幼儿园', '职业技术学校', '九年一贯制学校']
const COMPANIES = ['某电子厂', '某物流公司', '某建筑公司', '某餐饮店', '某五金厂', '某科技公司', '某服装厂', '某家具厂']
const VEHICLES = ['小轿车', '泥头车', '电动自行车', '公交车', '货车', '摩托车', '出租车', '网约车', '面包车']
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '郑']
const GIVEN = ['建国', '伟', '芳', '敏', '静', '强', '磊', '洋', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '桂兰', '志强', '海燕', '晓东', '丽华', '国庆']
const OFFICES = ['区委书记', '区长', '副区长', '区委常委', '街道党工委书记', '街道办主任', '区应急管理局局长', '区住房和建设局局长', '区教育局局长', '区生态环境局局长']
const BUREAUS = ['区住房和建设局', '区应急管理局', '区教育局', '区卫生健康局', '区生态环境局', '区城市管理和综合执法局', '区水务局', '区交通运输局', '区市场监督管理局', '公安分局']
const MEDIA = ['南方日报', '深圳特区报', '晶报', '南方都市报', '羊城晚报', '深圳新闻网', '读特客户端', '广州日报', '长沙晚报', '楚天都市报', '新京报', '澎湃新闻', '中国新闻网', '人民网', '新华网']
const TIMES = ['凌晨2时许', '凌晨4时许', '上午7时许', '上午9时30分许', '中午12时许', '下午3时许', '下午5时40分许', '晚上8时许', '晚上10时许', '傍晚6时许']
const SPOKEN_TIMES = ['今天早上', '刚刚', '今晚', '中午', '下午', '昨晚', '早高峰', '半夜']

type Ctx = Record<string, string>

function person(): string {
  return pick(SURNAMES) + pick(GIVEN)
}
function newCtx(avoid?: Ctx): Ctx {
  let d = pick(DISTRICTS)
  while (avoid && d[1] === avoid.district) d = pick(DISTRICTS)
  const street = pick(d[2])
  const road = pick(ROADS)
  let road2 = pick(ROADS)
  while (road2 === road) road2 = pick(ROADS)
  const m = int(1, 12)
  return {
    city: d[0],
    district: d[1],
    dshort: d[1].replace(/区$/, ''),
    street,
    sshort: street.replace(/(街道|镇)$/, ''),
    road,
    road2,
    estate: pick(ESTATES),
    poi: pick(POIS),
    school: street.replace(/(街道|镇)$/, '') + pick(SCHOOLS),
    company: pick(COMPANIES),
    vehicle: pick(VEHICLES),
    vehicle2: pick(VEHICLES),
    time: pick(TIMES),
    stime: pick(SPOKEN_TIMES),
    date: `${m}月${int(1, 28)}日`,
    date2: `${m}月${int(1, 28)}日`,
    year: String(int(2021, 2026)),
    n1: String(int(2, 9)),
    n2: String(int(10, 60)),
    n3: String(int(100, 900)),
    n4: String(int(1000, 9000)),
    n5: (int(10, 990) / 10).toFixed(1),
    pct: (int(10, 300) / 10).toFixed(1),
    money: String(int(2, 80)),
    hours: String(int(2, 12)),
    p1: person(),
    p2: person(),
    p3: person(),
    office1: pick(OFFICES),
    office2: pick(OFFICES),
    bureau: pick(BUREAUS),
    bureau2: pick(BUREAUS),
    media: pick(MEDIA),
    age: String(int(18, 80)),
  }
}
const fill = (tpl: string, c: Ctx) => tpl.replace(/\{(\w+)\}/g, (_, k: string) => c[k] ?? k)

/** Weibo event frames: phrasings of one kind of event, as different people would write it. */
const WEIBO_FRAMES: string[][] = [
  [
    '{street}{road}和{road2}路口{stime}发生一起交通事故，一辆{vehicle}和一辆{vehicle2}相撞，已有交警到场处置',
    '刚路过{road}{road2}交叉口，{vehicle}把{vehicle2}撞了，地上一大滩玻璃，交警在拍照',
    '{district}{road}出车祸了，{vehicle}追尾{vehicle2}，整条路堵死了，大家绕行吧',
  ],
  [
    '{district}{street}{estate}附近{stime}突发火情，浓烟滚滚，{n1}辆消防车已经赶到现场',
    '{estate}着火了！！烟好大，在{road}上都能看到，消防车一辆接一辆过去',
    '{sshort}这边是不是哪里着火了，{estate}那边冒黑烟，听到好多消防车的声音',
  ],
  [
    '{estate}已经停水{n1}天了，物业一直说在抢修，到现在还没来水，{bureau}能不能管管',
    '第{n1}天没水了，{street}{estate}的业主只能去楼下排队打水，物业电话也打不通',
    '请问{district}{estate}什么时候恢复供水？家里老人小孩都等着用水',
  ],
  [
    '{school}门口每天放学都堵得水泄不通，家长的车停满了{road}，希望交警多派人疏导',
    '每天接孩子都要在{school}门口堵半小时，{road}根本走不动，什么时候能解决',
    '{district}{school}放学时间{road}彻底瘫痪，建议学校错峰放学',
  ],
  [
    '{road}{stime}积水严重，水已经淹到小腿了，{vehicle}都熄火了，希望有关部门尽快排水',
    '一场暴雨{road}又成河了，每年都淹，{district}的排水系统什么时候能改造',
    '{street}这边水好深，{road}下穿隧道被淹，已经封路了，出门的朋友注意',
  ],
  [
    '{street}{poi}旁边的工地每天晚上施工到凌晨{n1}点，噪音扰民，投诉了{n1}次都没人管',
    '半夜{n1}点了{poi}那边还在打桩，{estate}的居民根本睡不着，{bureau2}管不管',
    '受不了了，{sshort}的工地天天夜间施工，打了{n2}次热线也没用',
  ],
  [
    '{district}新开的{poi}办事效率真高，{n2}分钟就办完了，工作人员态度也很好，点赞',
    '今天去{district}{poi}办证，没想到这么快，窗口的小姐姐很耐心，必须表扬',
    '{sshort}的{poi}服务真不错，预约之后基本不用排队，给{district}点个赞',
  ],
  [
    '{company}拖欠工资{n1}个月了，{n2}多名工人在{street}讨薪，希望{bureau}介入',
    '我们在{company}干了大半年，工资拖了{n1}个月不发，老板电话打不通，找谁能解决',
    '{district}{street}{company}门口围了好多工人，听说是老板跑路了，工资都没拿到',
  ],
  [
    '{estate}的电梯又坏了，{n1}楼以上的老人下不了楼，一年坏了{n2}次，物业只会敷衍',
    '{district}{estate}电梯困人了，被困了{n2}分钟才有人来，太吓人了',
    '住在{estate}真的心累，电梯三天两头停运，维修费交了也不见修',
  ],
  [
    '{district}{street}{stime}有人在{poi}门口持刀伤人，已经被警察控制了，现场拉了警戒线',
    '{poi}那边出事了，好多警车，听说有人动刀，大家这几天晚上别去{sshort}那边',
    '吓死了，{stime}在{street}{poi}看到警察抓人，好像是打架伤人',
  ],
  [
    '{district}的地铁{n1}号线{stime}故障停运了{n2}分钟，站台挤满了人，上班又要迟到了',
    '地铁{n1}号线又停了，{sshort}站人山人海，能不能给个说法',
    '{stime}{n1}号线信号故障，在{poi}站卡了半小时，{district}的打工人太难了',
  ],
  [
    '{street}城中村的垃圾已经{n1}天没人清了，臭气熏天，苍蝇满天飞，{bureau2}能不能来看看',
    '{sshort}{poi}后面的垃圾堆了好几天了，大夏天的味道太大了',
    '{district}{street}的垃圾分类点满了没人收，居民只能堆在路边',
  ],
  [
    '{district}{school}今年学位又不够，{n3}多个孩子没派到位，家长们都很焦虑',
    '{sshort}的学位太紧张了，积分{n2}分都没派上{school}，只能去民办',
    '有没有{district}的家长，今年{school}学位分配结果出来了吗，好担心',
  ],
  [
    '{road}上的共享单车乱停乱放，把盲道和人行道全占了，{street}什么时候整治一下',
    '{poi}门口的单车堆成山了，轮椅都过不去，{district}管一管吧',
  ],
  [
    '{street}{estate}楼下的烧烤摊天天营业到凌晨，油烟直接往楼上飘，窗户都不敢开',
    '投诉{sshort}{estate}楼下夜宵摊，每天吵到{n1}点，{bureau2}来了一次就没下文了',
  ],
  [
    '{district}{poi}{stime}有一位{age}岁的老人晕倒，路过的市民马上做心肺复苏，还好救护车及时赶到',
    '在{poi}看到好心人救了一位晕倒的阿姨，{district}真是好人多，给他们点赞',
  ],
]
const WEIBO_DETAILS = [
  '现场有很多人围观', '视频是朋友拍的', '听说已经有人报警了', '我下班路过看到的', '希望没有人受伤', '等了好久都没人来处理',
  '已经打了12345热线', '物业说正在联系', '有知道情况的朋友吗', '好几个邻居都在群里说这个事', '不是第一次了', '上个月也发生过类似的事情',
  '附近的居民都很担心', '照片是早上拍的', '孩子被吓哭了', '路上车都排到了{road2}', '现场来了好多工作人员', '我家就住在旁边',
]
const WEIBO_OPINIONS = [
  '太吓人了，大家出门注意安全', '希望有关部门重视一下', '这种事情什么时候才能解决', '点赞，效率很高', '真的无语了', '求扩散',
  '有没有人管管', '心疼一线的工作人员', '这就是我们{district}的速度', '建议大家绕行', '为{district}点赞', '太气人了',
  '希望早日解决', '我们小区的人都很气愤', '必须严查', '这样下去不行啊',
]
const TAILS = ['[怒]', '[哈哈]', '[赞]', '[泪]', '[允悲]', '[doge]', '#{city}身边事#', '#{dshort}#', '@{city}{dshort}发布', '@{media}', '[吃瓜]', '！！', '…']
const SHORT_FRAMES = [
  '{dshort}地铁又堵了', '{sshort}停电了', '{road}好堵', '今天{dshort}下暴雨了', '{school}放假了吗', '支持{dshort}', '{estate}停水了？',
  '{sshort}着火了', '{dshort}出车祸了', '{poi}人好多', '{road}封路了', '{estate}电梯坏了', '{dshort}降温了', '{sshort}的夜市真好吃',
]
const SHORT_REACTIONS = ['太好了', '说得对', '顶', '支持一下', '真的假的', '心疼', '无语了', '加油', '求扩散', '关注', '同意', '哈哈哈', '好消息', '太难了', '可怕']
const REPOST_COMMENTS = ['转发微博', '说得对', '顶', '[赞][赞]', '转发', '真的假的？', '关注', '太气人了[怒]', '求扩散', '希望早日解决', '', '哈哈哈', '支持', '扩散', '@{media} 关注一下', '心疼']
const USERS = ['深圳小王子', '宝安热心市民', '吃瓜群众007', 'Lily_2019', '南山阿强', '爱生活的小美', '一只大胖橘', 'momo', '龙岗老街坊', '追风少年', '本地宝', '城市观察员', 'zhangsan88', '今天也要加油鸭']

/** News genres: titles, leads, body paragraphs, closings (one story per Ctx). */
interface Genre {
  titles: string[]
  leads: string[]
  body: string[]
  closings: string[]
}
const NEWS: Genre[] = [
  {
    titles: ['{district}{street}发生一起交通事故 {n1}人受伤', '{road}一{vehicle}与{vehicle2}相撞 交警提醒注意行车安全', '{city}{district}{road}车祸致{n1}人受伤'],
    leads: ['{date}{time}，{district}{street}{road}与{road2}交叉路口发生一起交通事故，一辆{vehicle}与一辆{vehicle2}发生碰撞，造成{n1}人受伤。', '记者从{city}交警{dshort}大队获悉，{date}{time}，{road}{street}路段发生一起{vehicle}与{vehicle2}相撞的交通事故。'],
    body: [
      '事故发生后，交警{dshort}大队民警迅速赶到现场，疏导交通、保护现场，并联系120将伤者送往医院救治。',
      '据现场目击者介绍，{vehicle}由{road2}方向驶来，在通过路口时与正在左转的{vehicle2}发生碰撞。',
      '目前，伤者均已送往{district}人民医院治疗，其中{n1}人伤势较重，暂无生命危险。',
      '受事故影响，{road}往{road2}方向交通一度拥堵，直至{time}才恢复正常通行。',
      '事故具体原因正在进一步调查中，{vehicle}司机已被警方控制。',
      '交警部门提醒，广大驾驶人在通过路口时务必减速慢行，严格遵守交通信号灯，切勿抢行。',
      '今年以来，{district}共发生涉及{vehicle}的交通事故{n2}起，交警部门将持续开展专项整治行动。',
      '记者在现场看到，事故车辆车头严重变形，地面散落大量碎片，多名交警正在现场勘查。',
    ],
    closings: ['交警部门呼吁市民出行注意安全，文明驾驶。', '事故进一步情况，本报将持续关注。'],
  },
  {
    titles: ['{district}召开安全生产工作会议', '{district}部署{year}年安全生产重点工作', '{office1}{p1}主持召开{district}安全生产工作会议'],
    leads: ['{date}，{district}召开安全生产工作会议，{office1}{p1}出席会议并讲话，{office2}{p2}主持会议。', '{date}上午，{district}安全生产工作会议在区政府召开，会议传达学习了上级有关安全生产工作的部署要求。'],
    body: [
      '会议指出，安全生产事关人民群众生命财产安全，各级各部门要坚持人民至上、生命至上，切实扛起安全生产政治责任。',
      '会议通报了{district}今年以来安全生产形势，全区共排查隐患{n4}处，已整改{n3}处，整改率达{pct}%。',
      '{p1}强调，要聚焦{company}等重点企业，深入开展隐患排查整治，坚决遏制重特大事故发生。',
      '会议要求，{bureau}要会同各街道加强执法检查，对违法违规行为依法从严查处，形成有力震慑。',
      '会上，{street}、{bureau2}等单位作了交流发言，分享了安全生产工作的经验做法。',
      '会议强调，要加强应急值守，严格落实领导带班和24小时值班制度，确保信息畅通、反应迅速。',
      '据悉，{district}将在{date2}前完成对全区{n3}家重点企业的全覆盖检查。',
      '会议还对汛期防汛防台风工作进行了部署，要求各单位提前做好物资储备和人员转移准备。',
    ],
    closings: ['区有关部门和各街道主要负责同志参加会议。', '会议以视频形式开至各街道和社区。'],
  },
  {
    titles: ['{district}新增{n1}所公办学校 新增学位{n4}个', '{street}{school}正式开学', '{district}今年秋季新增公办学位{n4}个'],
    leads: ['记者从{district}教育局获悉，今年秋季学期，{district}新建成{n1}所公办学校，新增公办学位{n4}个。', '{date}，{district}{school}正式投入使用，首批{n3}名学生顺利入学。'],
    body: [
      '{school}位于{street}{road}，占地面积约{n2}亩，总投资{money}亿元，设置{n2}个教学班。',
      '学校配备了标准化运动场、图书馆、科学实验室等设施，可满足学生多样化学习需求。',
      '近年来，{district}持续加大教育投入，{year}年以来累计新增公办学位{n4}个，有效缓解了学位紧张问题。',
      '{bureau}负责人表示，将继续推进学校建设，力争到明年新增学位{n3}个。',
      '开学当天，不少家长早早来到学校，{p1}家长说：“家门口就有好学校，孩子上学方便多了。”',
      '为保障开学平稳有序，{street}在学校周边增设了临时停车位，交警也加强了上下学时段的交通疏导。',
      '据了解，学校师资主要通过公开招聘和区内交流两种方式配备，其中硕士以上学历教师占比{pct}%。',
    ],
    closings: ['下一步，{district}将继续推动基础教育优质均衡发展。', '{district}教育局表示，将持续跟踪新校运行情况。'],
  },
  {
    titles: ['{street}开展城中村环境整治行动', '{district}{street}整治“脏乱差” 城中村换新颜', '{street}清理卫生死角{n3}处'],
    leads: ['{date}，{district}{street}组织城管、社区工作人员和志愿者{n3}余人，对辖区城中村开展环境卫生集中整治行动。', '为提升人居环境，{street}自{date}起在辖区开展为期{n1}个月的城中村环境综合整治。'],
    body: [
      '整治行动重点清理城中村内的卫生死角、乱堆乱放、占道经营和违规张贴小广告等问题。',
      '截至目前，共清理垃圾杂物{n2}吨，拆除违规搭建{n2}处，劝导规范占道经营商户{n3}家。',
      '{street}负责人{p1}介绍，此次整治将与垃圾分类工作相结合，推动城中村环境长效管理。',
      '记者在{road}附近的城中村看到，原来堆满杂物的巷道已清理干净，墙面重新粉刷。',
      '居民{p2}说：“以前这里又脏又乱，现在干净多了，住着也舒心。”',
      '下一步，{street}将建立网格化巡查机制，安排专人每天巡查，防止问题反弹。',
      '{bureau2}也派出执法人员，对拒不整改的商户依法进行处罚。',
    ],
    closings: ['整治行动将持续到年底。', '{street}呼吁居民共同维护良好的环境卫生。'],
  },
  {
    titles: ['{district}警方破获一起电信诈骗案 抓获嫌疑人{n2}名', '{city}公安{dshort}分局打掉一个电诈团伙', '涉案{money}万元！{district}警方侦破诈骗案'],
    leads: ['记者{date}从{city}市公安局{dshort}分局获悉，该局近日成功破获一起电信网络诈骗案，抓获犯罪嫌疑人{n2}名，涉案金额{money}万元。', '{date}，{district}警方通报，经过{n1}个月的缜密侦查，成功打掉一个以“刷单返利”为名实施诈骗的犯罪团伙。'],
    body: [
      '今年{date2}，{street}居民{p1}报警称，其在网上被人以“刷单返利”为由骗走{money}万元。',
      '接报后，{dshort}分局迅速成立专案组，通过资金流向追踪，锁定了藏匿在外地的犯罪团伙。',
      '{date2}，专案组民警在当地警方配合下开展集中收网行动，抓获犯罪嫌疑人{n2}名，现场查获手机{n2}部、银行卡{n3}张。',
      '经审讯，犯罪嫌疑人对其利用网络实施诈骗的违法犯罪事实供认不讳。',
      '目前，犯罪嫌疑人已被依法采取刑事强制措施，案件正在进一步侦办中。',
      '警方提醒，凡是要求先垫付资金的刷单都是诈骗，市民如遇可疑情况请及时拨打110报警。',
      '今年以来，{dshort}分局共破获电信网络诈骗案件{n3}起，为群众挽回损失{n4}万元。',
    ],
    closings: ['警方表示，将继续保持对电信网络诈骗犯罪的高压严打态势。', '市民可下载国家反诈中心APP，提高防范意识。'],
  },
  {
    titles: ['{district}{street}部分区域{date}停水通知', '因管网施工 {street}{n2}个小区将临时停水', '{district}水务部门发布停水公告'],
    leads: ['记者从{district}水务部门获悉，因{road}供水管网改造施工，{date}{time}至次日{time}，{street}部分区域将暂停供水。', '因市政管道迁改需要，{street}{estate}等{n2}个小区将于{date}临时停水{hours}小时。'],
    body: [
      '停水范围包括{road}以东、{road2}以北区域，涉及{estate}等{n2}个小区约{n4}户居民。',
      '水务部门提醒，受影响的居民请提前做好储水准备，停水期间请关闭家中水龙头，以免来水时造成损失。',
      '施工期间，水务部门将在{estate}等小区设置临时送水点，为有需要的居民提供生活用水。',
      '如遇特殊情况，恢复供水时间将相应顺延，水务部门将及时发布相关信息。',
      '此次管网改造完成后，{street}片区的供水压力和水质将得到明显改善。',
      '居民如有疑问，可拨打水务服务热线咨询。',
    ],
    closings: ['由此带来的不便，敬请谅解。', '水务部门感谢广大市民的理解和支持。'],
  },
  {
    titles: ['前三季度{district}GDP增长{pct}%', '{district}经济运行稳中向好', '{district}规上工业增加值同比增长{pct}%'],
    leads: ['记者从{district}统计局获悉，今年前三季度，{district}实现地区生产总值{n4}亿元，同比增长{pct}%。', '{date}，{district}发布前三季度经济运行情况，主要经济指标保持稳定增长。'],
    body: [
      '分产业看，第二产业增加值{n3}亿元，同比增长{pct}%；第三产业增加值{n3}亿元，同比增长{n5}%。',
      '规模以上工业增加值同比增长{pct}%，其中电子信息制造业增长{n5}%，成为拉动增长的主要力量。',
      '固定资产投资同比增长{n5}%，其中工业投资增长{pct}%，基础设施投资增长{n5}%。',
      '社会消费品零售总额{n3}亿元，同比增长{n5}%，消费市场持续回暖。',
      '外贸进出口总额{n4}亿元，同比增长{pct}%，其中出口增长{n5}%。',
      '{bureau}负责人表示，{district}经济总体保持恢复向好态势，但仍面临需求不足等挑战。',
      '下一步，{district}将继续稳投资、促消费、优环境，推动经济高质量发展。',
    ],
    closings: ['全年经济社会发展目标有望顺利完成。', '以上数据均为初步核算数。'],
  },
  {
    titles: ['地铁{n1}号线{street}站{date}开通', '{district}又一条地铁线开通 {street}居民出行更方便', '地铁{n1}号线延长线今日通车'],
    leads: ['{date}，地铁{n1}号线延长线正式开通运营，新设{street}站、{road}站等{n1}座车站，{district}又添一条轨道交通动脉。', '记者从{city}地铁集团获悉，地铁{n1}号线{street}段将于{date}{time}开通初期运营。'],
    body: [
      '延长线全长约{n5}公里，全部为地下线，设车站{n1}座，其中换乘站{n1}座。',
      '开通后，从{street}到市中心的通勤时间将由原来的{n2}分钟缩短至{n2}分钟左右。',
      '{date}一早，不少市民专程前来体验，{p1}说：“以前上班要转两趟公交，现在方便多了。”',
      '为做好开通准备，地铁部门此前已组织了{n3}余次演练，对各系统进行了全面测试。',
      '{bureau}同步优化了站点周边{n2}条公交线路，做好地铁与公交的接驳。',
      '运营初期，工作日高峰行车间隔为{n1}分钟，平峰行车间隔为{n1}分钟。',
    ],
    closings: ['地铁部门提醒乘客文明乘车，注意安全。', '后续线路建设也在加快推进中。'],
  },
  {
    titles: ['台风“{p3}”逼近 {district}启动防风{n1}级应急响应', '{city}发布台风预警 {district}学校停课', '{district}全力应对台风'],
    leads: ['受今年第{n2}号台风影响，{city}气象台{date}{time}发布台风橙色预警信号，{district}随即启动防风{n1}级应急响应。', '{date}，{district}三防指挥部发布通知，要求全区各单位做好台风防御工作。'],
    body: [
      '预计{date2}白天到夜间，{district}将出现{n1}至{n1}级大风和暴雨，局部地区有大暴雨。',
      '{district}已转移安置危险区域群众{n3}余人，全区{n2}个避难场所全部开放。',
      '全区中小学、幼儿园{date2}停课一天，建筑工地全部停工，户外作业暂停。',
      '{bureau}组织{n3}余名抢险人员和{n2}台抢险车辆在各易涝点位待命。',
      '{street}对辖区内的临时工棚、广告牌等进行了全面排查加固。',
      '气象部门提醒，市民应尽量减少外出，远离广告牌、大树等，注意防范次生灾害。',
    ],
    closings: ['相关部门将密切关注台风动向，及时发布最新信息。', '请市民关注官方发布的预警信息。'],
  },
  {
    titles: ['{district}开展消防应急演练', '{street}举行高层建筑火灾扑救演练', '{district}消防救援大队进社区宣传'],
    leads: ['{date}，{district}消防救援大队在{street}{estate}开展高层建筑火灾扑救实战演练，{n3}余名居民参与。', '为提升居民消防安全意识，{district}消防救援大队{date}走进{street}开展消防宣传和应急疏散演练。'],
    body: [
      '演练模拟{estate}一栋住宅楼{n2}层发生火灾，浓烟迅速蔓延，多名居民被困。',
      '接到报警后，消防救援人员迅速出动，{n1}分钟内到达现场，展开灭火救援。',
      '演练中，消防员利用云梯车救出被困人员，并指导居民用湿毛巾捂住口鼻有序撤离。',
      '消防员还现场讲解了灭火器的使用方法，并让居民亲手体验。',
      '{p1}表示，要通过演练检验预案，提高居民自救互救能力。',
      '今年以来，{district}共开展消防演练{n3}场，覆盖居民{n4}人。',
    ],
    closings: ['消防部门提醒市民不要在楼道内停放电动车、堆放杂物。', '活动得到居民的一致好评。'],
  },
]
const SITE_HEADERS = ['来源：{media} {year}-{mm}-{dd} {hh}:{mi}', '{year}年{mm}月{dd}日 {hh}:{mi} 来源：{media}', '作者：记者 {p3} 通讯员 {p2}', '本报讯（记者 {p3}）', '{media}讯 记者{p3}报道：', '首页 > 新闻 > 社会', '【{media}】', '字号：大 中 小']
const SITE_FOOTERS = ['责任编辑：{p3}', '【纠错】 【责任编辑：{p2}】', '（原标题：{title}）', '声明：本文转载自{media}，版权归原作者所有，如有侵权请联系删除。', '编辑：{p2} 审核：{p3}', '分享到：', '扫一扫在手机打开当前页', '本文来源：{media}', '点击关注{media}，获取更多本地资讯', '更多精彩内容请下载{media}客户端']
const SYNONYMS: Array<[string, string]> = [['开展', '进行'], ['目前', '当前'], ['表示', '称'], ['获悉', '了解到'], ['迅速', '立即'], ['进一步', '深入'], ['据悉', '据了解'], ['市民', '群众'], ['居民', '住户'], ['提醒', '提示'], ['发生', '出现'], ['全面', '全方位'], ['有效', '切实'], ['持续', '继续']]
const T2S: Array<[string, string]> = [['发', '發'], ['区', '區'], ['车', '車'], ['时', '時'], ['员', '員'], ['据', '據'], ['们', '們'], ['会', '會']]

// ---------------------------------------------------------------------------------------------
// Texts and transforms.

interface Post {
  frame: number
  variant: number
  details: number[]
  opinion: number
  tail: number
  ctx: Ctx
}
function makePost(ctx: Ctx, frame = int(0, WEIBO_FRAMES.length - 1), variant?: number): Post {
  const f = WEIBO_FRAMES[frame]!
  return {
    frame,
    variant: variant ?? int(0, f.length - 1),
    details: sample(WEIBO_DETAILS.map((_, i) => i), int(0, 2)),
    opinion: chance(0.7) ? int(0, WEIBO_OPINIONS.length - 1) : -1,
    tail: chance(0.5) ? int(0, TAILS.length - 1) : -1,
    ctx,
  }
}
function postText(p: Post): string {
  let s = WEIBO_FRAMES[p.frame]![p.variant]!
  for (const d of p.details) s += '，' + WEIBO_DETAILS[d]!
  s += '。'
  if (p.opinion >= 0) s += WEIBO_OPINIONS[p.opinion]! + pick(['。', '！', '', '！！'])
  if (p.tail >= 0) s += TAILS[p.tail]!
  return fill(s, p.ctx)
}

interface Article {
  genre: number
  title: number
  lead: number
  body: number[]
  closing: number
  ctx: Ctx
}
function makeArticle(ctx: Ctx, genre = int(0, NEWS.length - 1)): Article {
  const g = NEWS[genre]!
  return {
    genre,
    title: int(0, g.titles.length - 1),
    lead: int(0, g.leads.length - 1),
    body: sample(g.body.map((_, i) => i), int(3, Math.min(7, g.body.length))),
    closing: int(0, g.closings.length - 1),
    ctx,
  }
}
function articleParas(a: Article): { title: string; paras: string[] } {
  const g = NEWS[a.genre]!
  return {
    title: fill(g.titles[a.title]!, a.ctx),
    paras: [g.leads[a.lead]!, ...a.body.map((i) => g.body[i]!), g.closings[a.closing]!].map((t) => fill(t, a.ctx)),
  }
}
const articleText = (t: { title: string; paras: string[] }) => [t.title, ...t.paras].join('\n')

function siteCtx(c: Ctx, title: string): Ctx {
  const two = (n: number) => String(n).padStart(2, '0')
  return { ...c, media: pick(MEDIA), p2: person(), p3: person(), title, mm: two(int(1, 12)), dd: two(int(1, 28)), hh: two(int(0, 23)), mi: two(int(0, 59)) }
}
function withSite(t: { title: string; paras: string[] }, c: Ctx): { title: string; paras: string[] } {
  const sc = siteCtx(c, t.title)
  const head = sample(SITE_HEADERS, int(1, 2)).map((h) => fill(h, sc))
  const foot = sample(SITE_FOOTERS, int(1, 3)).map((h) => fill(h, sc))
  return { title: t.title, paras: [...head, ...t.paras, ...foot] }
}
function toHalfWidth(s: string): string {
  const map: Record<string, string> = { '，': ',', '。': '.', '：': ':', '；': ';', '！': '!', '？': '?', '（': '(', '）': ')', '“': '"', '”': '"', '、': ',' }
  return s.replace(/[，。：；！？（）“”、]/g, (ch) => map[ch]!)
}
function toFullWidthDigits(s: string): string {
  return s.replace(/[0-9A-Za-z%]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
}
const TYPOS: Array<[string, string]> = [['的', '地'], ['在', '再'], ['做', '作'], ['已', '以'], ['像', '象'], ['哪', '那'], ['她', '他'], ['账', '帐'], ['部署', '布署'], ['了', ''], ['的', ''], ['一辆', '1辆'], ['两', '2'], ['三', '3'], ['（', '('], ['。', '！']]
/** A few characters differ: synonyms, typos and dropped particles, digits for numerals, and a
 * traditional form now and then (each edit may change how jieba cuts the words around it). */
function fewChars(s: string, n: number): string {
  let out = s
  const edits = sample([...SYNONYMS, ...TYPOS, ...sample(T2S, 2)], 40)
  for (const [a, b] of edits) {
    if (n <= 0) break
    const at = out.indexOf(a)
    if (at >= 0) {
      out = out.slice(0, at) + b + out.slice(at + a.length)
      n--
    }
  }
  return out
}
function repostChain(orig: string, c: Ctx, depth: number, author = pick(USERS)): string {
  let s = ''
  for (let i = 0; i < depth; i++) s += fill(pick(REPOST_COMMENTS), c) + `//@${pick(USERS)}:`
  // the reposted post itself, as reposts carry it: "…//@原作者:原文"
  return (depth === 0 ? fill(pick(REPOST_COMMENTS), c) + ' ' : s) + (chance(0.7) ? `//@${author}:` : '') + orig
}

/** The first clause of a Weibo frame (12–30 characters). */
function clause(c: Ctx, f = int(0, WEIBO_FRAMES.length - 1), v = int(0, WEIBO_FRAMES[f]!.length - 1)): string {
  return fill(WEIBO_FRAMES[f]![v]!.split('，')[0]!, c)
}

export type Kind = { name: string; positive: boolean; group: 'weibo' | 'news' | 'short' | 'extra'; make: () => [string, string] }

const KINDS: Kind[] = [
  // -- Weibo positives
  { name: 'repost 转发微博', positive: true, group: 'weibo', make: () => { const c = newCtx(); const o = postText(makePost(c)); return [o, `转发微博//@${pick(USERS)}:${o}`] } },
  { name: 'repost //@ chain + comments', positive: true, group: 'weibo', make: () => { const c = newCtx(); const o = postText(makePost(c)); return [o, repostChain(o, c, int(1, 3))] } },
  { name: 'repost chain vs chain', positive: true, group: 'weibo', make: () => { const c = newCtx(); const o = postText(makePost(c)); return [repostChain(o, c, int(1, 2)), repostChain(o, c, int(1, 3))] } },
  { name: 'emoji/hashtag/url added', positive: true, group: 'weibo', make: () => { const c = newCtx(); const o = postText(makePost(c)); const add = sample([`[赞]`, `[怒][怒]`, `#${c.city}身边事#`, `#${c.dshort}#`, ` http://t.cn/A6${String(int(1e5, 9e5))}x`, ` @${c.city}${c.dshort}发布 `, ' 网页链接', '[泪]'], int(1, 3)); return [o, chance(0.5) ? add.join('') + o : o + add.join('')] } },
  { name: 'copy-paste, few chars changed', positive: true, group: 'weibo', make: () => { const c = newCtx(); const o = postText(makePost(c)); return [o, (chance(0.5) ? '【转】' : '') + fewChars(chance(0.5) ? toHalfWidth(o) : o, int(1, 3))] } },
  { name: 'long post truncated …全文', positive: true, group: 'weibo', make: () => { const c = newCtx(); const p = postText(makePost(c)) + postText(makePost(c, undefined)); const cut = Math.max(30, Math.floor(p.length * (0.8 + rnd() * 0.15))); return [p, p.slice(0, cut) + '...全文'] } },
  // -- News positives
  { name: 'news: other site header/footer', positive: true, group: 'news', make: () => { const art = makeArticle(newCtx()); const a = articleParas(art); return [articleText(withSite(a, art.ctx)), articleText(withSite(a, art.ctx))] } },
  { name: 'news: title changed', positive: true, group: 'news', make: () => { const art = makeArticle(newCtx()); const a = articleParas(art); const g = NEWS[art.genre]!; const t2 = chance(0.5) ? fill(g.titles[(art.title + 1) % g.titles.length]!, art.ctx) : `【${art.ctx.dshort}】` + a.title + '（图）'; return [articleText(a), articleText({ title: t2, paras: a.paras })] } },
  { name: 'news: paragraph dropped', positive: true, group: 'news', make: () => { const a = articleParas(makeArticle(newCtx())); const i = int(1, a.paras.length - 2); return [articleText(a), articleText({ title: a.title, paras: a.paras.filter((_, j) => j !== i) })] } },
  { name: 'news: paragraphs reordered', positive: true, group: 'news', make: () => { const a = articleParas(makeArticle(newCtx())); const p = a.paras.slice(); const i = int(1, p.length - 2); const j = int(1, p.length - 2); [p[i], p[j]] = [p[j]!, p[i]!]; return [articleText(a), articleText({ title: a.title, paras: p })] } },
  { name: 'news: full/half width', positive: true, group: 'news', make: () => { const a = articleText(articleParas(makeArticle(newCtx()))); return [a, chance(0.5) ? toHalfWidth(a) : toFullWidthDigits(a)] } },
  { name: 'news: few chars changed', positive: true, group: 'news', make: () => { const a = articleText(articleParas(makeArticle(newCtx()))); return [a, fewChars(a, int(2, 6))] } },
  { name: 'news: lead rewritten (本报讯/据…报道)', positive: true, group: 'news', make: () => { const art = makeArticle(newCtx()); const a = articleParas(art); const p = a.paras.slice(); p[0] = (chance(0.5) ? `本报讯（记者 ${person()}）` : `据${pick(MEDIA)}报道，`) + p[0]!.replace(/^记者/, ''); return [articleText(a), articleText({ title: a.title, paras: p })] } },
  { name: 'news: combined 2-4 edits', positive: true, group: 'news', make: () => { const art = makeArticle(newCtx()); const a = articleParas(art); let b = { title: a.title, paras: a.paras.slice() }; const ops = sample([0, 1, 2, 3, 4], int(2, 4)); for (const op of ops) { if (op === 0) b = withSite(b, art.ctx); if (op === 1 && b.paras.length > 4) b.paras.splice(int(1, b.paras.length - 2), 1); if (op === 2) b.title = `【${art.ctx.dshort}】${b.title}`; if (op === 3) b.paras = b.paras.map((x) => fewChars(x, 1)); if (op === 4) b.paras = b.paras.map(toHalfWidth) } return [articleText(chance(0.5) ? withSite(a, art.ctx) : a), articleText(b)] } },
  // -- Short positives
  { name: 'short: repost/emoji noise', positive: true, group: 'short', make: () => { const c = newCtx(); const o = fill(chance(0.7) ? pick(SHORT_FRAMES) : pick(SHORT_REACTIONS), c) + pick(['', '！', '。', '？']); const v = pick([`转发微博//@${pick(USERS)}:${o}`, `${o}[赞]`, `${o}[怒][怒]`, `//@${pick(USERS)}: ${o}`, `${o} #${c.dshort}#`, `${o} http://t.cn/A6${int(1e5, 9e5)}`, `${o}！！`, `@${pick(USERS)} ${o}`]); return [o, v] } },
  // -- Medium-length posts (one clause, 12–30 characters)
  { name: 'medium: repost/emoji noise', positive: true, group: 'short', make: () => { const c = newCtx(); const o = clause(c); const v = pick([`转发微博//@${pick(USERS)}:${o}`, `${o}[赞]`, `${o}[怒][怒]`, `//@${pick(USERS)}: ${o}`, `${o} http://t.cn/A6${int(1e5, 9e5)}`, `${o}！！`, `@${pick(USERS)} ${o}`]); return [o, v] } },
  { name: 'medium: few chars changed', positive: true, group: 'short', make: () => { const c = newCtx(); const o = clause(c); return [o, fewChars(o, 1)] } },
  { name: 'NEG medium: same clause, other place', positive: false, group: 'short', make: () => { const c = newCtx(); const f = int(0, WEIBO_FRAMES.length - 1); const v = int(0, WEIBO_FRAMES[f]!.length - 1); return [clause(c, f, v), clause(newCtx(c), f, v)] } },
  // -- Weibo negatives
  { name: 'NEG same template, other place/numbers', positive: false, group: 'weibo', make: () => { const c = newCtx(); const p = makePost(c); return [postText(p), postText({ ...p, ctx: newCtx(c) })] } },
  { name: 'NEG same event, other person', positive: false, group: 'weibo', make: () => { const c = newCtx(); let f = int(0, WEIBO_FRAMES.length - 1); while (WEIBO_FRAMES[f]!.length < 2) f = int(0, WEIBO_FRAMES.length - 1); const [v1, v2] = sample(WEIBO_FRAMES[f]!.map((_, i) => i), 2); return [postText(makePost(c, f, v1)), postText(makePost(c, f, v2))] } },
  { name: 'NEG same frame, other place', positive: false, group: 'weibo', make: () => { const c = newCtx(); const p = makePost(c); return [postText(p), postText(makePost(newCtx(c), p.frame))] } },
  { name: 'NEG different posts, same district', positive: false, group: 'weibo', make: () => { const c = newCtx(); return [postText(makePost(c)), postText(makePost({ ...newCtx(), district: c.district, dshort: c.dshort, street: c.street, sshort: c.sshort }))] } },
  // -- News negatives
  { name: 'NEG news same template refilled', positive: false, group: 'news', make: () => { const c = newCtx(); const a = makeArticle(c); return [articleText(articleParas(a)), articleText(articleParas({ ...a, ctx: newCtx(c) }))] } },
  { name: 'NEG news same genre', positive: false, group: 'news', make: () => { const c = newCtx(); const a = makeArticle(c); return [articleText(articleParas(a)), articleText(articleParas(makeArticle(newCtx(c), a.genre)))] } },
  { name: 'NEG news same genre+district', positive: false, group: 'news', make: () => { const c = newCtx(); const a = makeArticle(c); const c2 = { ...newCtx(), district: c.district, dshort: c.dshort, city: c.city }; return [articleText(articleParas(a)), articleText(articleParas(makeArticle(c2, a.genre)))] } },
  // -- Short negatives
  { name: 'NEG short: same frame, other place', positive: false, group: 'short', make: () => { const c = newCtx(); const f = pick(SHORT_FRAMES); return [fill(f, c) + pick(['', '！']), fill(f, newCtx(c)) + pick(['', '！'])] } },
  { name: 'NEG short: shared words', positive: false, group: 'short', make: () => { const c = newCtx(); const c2 = newCtx(c); const [r1, r2] = sample(SHORT_REACTIONS, 2); return pick([[`${c.dshort}${r1}`, `${c.dshort}${r2}`], [`支持${c.dshort}`, `支持${c2.dshort}`], [`${c.sshort}${r1}`, `${c2.sshort}${r1}`], [`${c.poi}${r1}`, `${c.poi}${r2}`]]) as [string, string] } },
  { name: 'NEG short: other reaction', positive: false, group: 'short', make: () => { const [a, b] = sample(SHORT_REACTIONS, 2); return [a!, b!] } },
  { name: 'NEG short/medium: frame + reaction', positive: false, group: 'short', make: () => { const c = newCtx(); const f = pick(SHORT_FRAMES); return [fill(f, c) + '，' + pick(SHORT_REACTIONS), fill(f, newCtx(c)) + '，' + pick(SHORT_REACTIONS)] } },
  // -- Informational (not scored): what a 64-bit fingerprint is not meant to catch.
  { name: 'info: news first half only (digest)', positive: true, group: 'extra', make: () => { const a = articleParas(makeArticle(newCtx())); return [articleText(a), articleText({ title: a.title, paras: a.paras.slice(0, Math.ceil(a.paras.length / 2)) })] } },
  { name: 'info: repost, long comment (>½ post)', positive: true, group: 'extra', make: () => { const c = newCtx(); const o = postText(makePost(c)); const cm = WEIBO_OPINIONS.map((x) => fill(x, c)).slice(0, int(3, 5)).join('，'); return [o, `${cm}//@${pick(USERS)}:${o}`] } },
]

// ---------------------------------------------------------------------------------------------
// Measurement.

const jcut = (s: string): string[] => jiebaModule().cut(s)
const cut = (() => {
  const cache = new Map<string, string[]>()
  return (s: string): string[] => {
    let t = cache.get(s)
    if (!t) cache.set(s, (t = jcut(s)))
    return t
  }
})()
/** The pipeline's tokens (src/nlp/text.ts: NFKC, markup as single tokens, no whitespace). */
const tok = (() => {
  const cache = new Map<string, Tokenized>()
  return (s: string): Tokenized => {
    let t = cache.get(s)
    if (!t) cache.set(s, (t = tokenize(s, jcut)))
    return t
  }
})()
const sourceOf = (t: Tokenized): TokenSource => ({ text: t.text, starts: t.starts })
const sameClean = (a: string, b: string) => cleanTokens(cut(a), DEFAULT_FINGERPRINT).join(' ') === cleanTokens(cut(b), DEFAULT_FINGERPRINT).join(' ')
const cleanLen = (tokens: readonly string[]): number => cleanTokens(tokens, DEFAULT_FINGERPRINT).reduce((n, t) => n + t.length, 0)

export interface Pair {
  kind: Kind
  a: string[]
  b: string[]
  ta: string
  tb: string
}
interface Variant {
  label: string
  opts: FingerprintOptions
  /** Which tokens: jieba's raw cut (default), or the pipeline's tokenize() without/with its source. */
  tokens?: 'cut' | 'tokenize' | 'tokenize+source'
}
const base: FingerprintOptions = { ...DEFAULT_FINGERPRINT }
const VARIANTS: Variant[] = [
  { label: 'simhash word1', opts: { ...base, shingle: 'word1', entityWeight: 1 } },
  { label: 'simhash word2', opts: { ...base, shingle: 'word2', entityWeight: 1 } },
  { label: 'simhash word1+2', opts: { ...base, shingle: 'word12', entityWeight: 1 } },
  { label: 'simhash char2', opts: { ...base, shingle: 'char2' } },
  { label: 'simhash char3', opts: { ...base, shingle: 'char3' } },
  { label: 'minhash word1', opts: { ...base, shingle: 'word1', method: 'minhash', entityWeight: 1 } },
  { label: 'minhash word2', opts: { ...base, shingle: 'word2', method: 'minhash', entityWeight: 1 } },
  { label: 'minhash word1+2', opts: { ...base, shingle: 'word12', method: 'minhash', entityWeight: 1 } },
  { label: 'minhash char3', opts: { ...base, shingle: 'char3', method: 'minhash' } },
  { label: 'simhash word1, places/numbers ×2 once', opts: { ...base, entityWeight: 2 } },
  { label: 'simhash word1, places/numbers ×3 once', opts: { ...base, entityWeight: 3 } },
  { label: 'simhash word1, places/numbers ×4 once', opts: { ...base, entityWeight: 4 } },
  { label: 'simhash word1+2, places/numbers ×3 once', opts: { ...base, shingle: 'word12', entityWeight: 3 } },
  { label: 'chosen, ×3 on every occurrence', opts: { ...base, entityOnce: false } },
  { label: 'chosen, whole //@ chain', opts: { ...base, chain: 'all' } },
  { label: 'chosen, keep stopwords', opts: { ...base, stopwords: false } },
  { label: 'chosen, keep #hashtags#', opts: { ...base, dropHashtags: false } },
  { label: 'chosen, no boilerplate removal', opts: { ...base, boilerplate: false } },
  { label: 'chosen, no short rule', opts: { ...base, minChars: 0 } },
  { label: 'chosen, on tokenize() tokens', opts: { ...base }, tokens: 'tokenize' },
  { label: 'chosen, on tokenize() tokens + source', opts: { ...base }, tokens: 'tokenize+source' },
  { label: 'chosen (word1 SimHash, places/numbers ×' + DEFAULT_FINGERPRINT.entityWeight + ' once)', opts: { ...base } },
]
const K_MAX = 12
const K = NEAR_DUPLICATE_THRESHOLD
const fmt = (x: number) => (x >= 0.9995 ? '1.00' : x.toFixed(3).replace(/^0/, ''))
function pct(xs: number[], q: number): number {
  if (xs.length === 0) return NaN
  const s = xs.slice().sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!
}

/**
 * The constructed pairs: `perKind` of every kind, from `seed` (exported for the unit tests).
 * Each pair carries its texts and jieba's cut of them.
 */
export function constructPairs(perKind: number, seed: number): Pair[] {
  rnd = prng(seed)
  const pairs: Pair[] = []
  for (const kind of KINDS) {
    for (let i = 0; i < perKind; i++) {
      let [ta, tb] = kind.make()
      // a negative pair must be two different texts (a re-filled template can come out the same)
      for (let tries = 0; !kind.positive && sameClean(ta, tb) && tries < 100; tries++) [ta, tb] = kind.make()
      pairs.push({ kind, ta, tb, a: cut(ta), b: cut(tb) })
    }
  }
  return pairs
}

function quality(): void {
  const pairs = constructPairs(PAIRS, SEED)
  const scored = pairs.filter((p) => p.kind.group !== 'extra')
  const npos = scored.filter((p) => p.kind.positive).length
  console.log(`# near-duplicate fingerprints: ${pairs.length} pairs (${PAIRS} per kind, ${KINDS.length} kinds; ${npos} positive and ${scored.length - npos} negative scored pairs), seed ${SEED}\n`)
  /** Distance of a pair; null when either side has no fingerprint (never folded). */
  const distances = (opts: FingerprintOptions, tokens: Variant['tokens'] = 'cut'): Array<number | null> =>
    pairs.map((p) => {
      const f = (t: string, raw: string[]) => {
        if (tokens === 'cut') return fingerprintWith(raw, opts)
        const tk = tok(t)
        return fingerprintWith(tk.tokens, opts, tokens === 'tokenize+source' ? sourceOf(tk) : undefined)
      }
      const x = f(p.ta, p.a)
      const y = f(p.tb, p.b)
      return x === null || y === null ? null : hamming(x, y)
    })
  const hit = (d: number | null, k: number) => d !== null && d <= k
  function prTable(d: Array<number | null>): Array<{ k: number; p: number; r: number; f1: number }> {
    const rows = []
    for (let k = 0; k <= K_MAX; k++) {
      let tp = 0
      let fp = 0
      let fn = 0
      pairs.forEach((p, i) => {
        if (p.kind.group === 'extra') return
        if (p.kind.positive) hit(d[i]!, k) ? tp++ : fn++
        else if (hit(d[i]!, k)) fp++
      })
      const pr = tp + fp ? tp / (tp + fp) : 1
      const rc = tp + fn ? tp / (tp + fn) : 1
      rows.push({ k, p: pr, r: rc, f1: pr + rc ? (2 * pr * rc) / (pr + rc) : 0 })
    }
    return rows
  }

  console.log('## precision / recall by threshold k (scored kinds)\n')
  console.log('| variant | ' + Array.from({ length: K_MAX + 1 }, (_, k) => `k=${k}`).join(' | ') + ' | best F1 (k) |')
  console.log('|---|' + Array.from({ length: K_MAX + 2 }, () => '---').join('|') + '|')
  const allD = new Map<string, Array<number | null>>()
  for (const v of QUICK ? VARIANTS.slice(-1) : VARIANTS) {
    const d = distances(v.opts, v.tokens)
    allD.set(v.label, d)
    const t = prTable(d)
    const best = t.reduce((a, b) => (b.f1 > a.f1 + 1e-9 ? b : a))
    console.log(`| ${v.label} | ` + t.map((r) => `${fmt(r.p)}/${fmt(r.r)}`).join(' | ') + ` | ${best.f1.toFixed(3)} (${best.k}) |`)
  }
  console.log('\ncells: precision/recall\n')

  const chosen = allD.get(VARIANTS[VARIANTS.length - 1]!.label)!
  console.log(`## per kind: share of pairs folded (distance ≤ k=${K}), by variant\n`)
  const cols = QUICK ? [VARIANTS.length - 1] : [0, 2, 4, 5, 8, 10, VARIANTS.length - 1]
  console.log('| kind | ' + cols.map((c) => VARIANTS[c]!.label.replace(/^chosen.*/, 'chosen')).join(' | ') + ' |')
  console.log('|---|' + cols.map(() => '---:').join('|') + '|')
  for (const kind of KINDS) {
    const cells = cols.map((c) => {
      const d = allD.get(VARIANTS[c]!.label)!
      let n = 0
      let h = 0
      pairs.forEach((p, i) => {
        if (p.kind !== kind) return
        n++
        if (hit(d[i]!, K)) h++
      })
      return (h / n).toFixed(3)
    })
    console.log(`| ${kind.name} | ${cells.join(' | ')} |`)
  }

  console.log(`\n## per kind, chosen fingerprint: share folded by threshold\n`)
  const ks = [4, 5, 6, 7, 8, 9, 10, 12]
  console.log('| kind | ' + ks.map((k) => `k=${k}`).join(' | ') + ' |')
  console.log('|---|' + ks.map(() => '---:').join('|') + '|')
  for (const kind of KINDS) {
    const idx = pairs.map((p, i) => (p.kind === kind ? i : -1)).filter((i) => i >= 0)
    console.log(`| ${kind.name} | ` + ks.map((k) => (idx.filter((i) => hit(chosen[i]!, k)).length / idx.length).toFixed(3)).join(' | ') + ' |')
  }

  console.log(`\n## per kind, chosen fingerprint: distance distribution\n`)
  console.log('| kind | n | p10 | median | p90 | max | ≤k | no fingerprint |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const kind of KINDS) {
    const ds: number[] = []
    let none = 0
    pairs.forEach((p, i) => {
      if (p.kind !== kind) return
      if (chosen[i] === null) none++
      else ds.push(chosen[i]!)
    })
    const le = ds.filter((x) => x <= K).length
    console.log(`| ${kind.name} | ${ds.length + none} | ${pct(ds, 0.1)} | ${pct(ds, 0.5)} | ${pct(ds, 0.9)} | ${Math.max(...ds)} | ${(le / (ds.length + none)).toFixed(3)} | ${none} |`)
  }

  if (!QUICK) {
    console.log(`\n## the short-text rule: folded share (≤ k=${K}) by cleaned length of the shorter text\n`)
    const noShort = allD.get('chosen, no short rule')!
    const buckets: Array<[number, number]> = [[0, 8], [8, 12], [12, 16], [16, 20], [20, 24], [24, 32], [32, 48], [48, 1e9]]
    console.log(`| cleaned chars | positive pairs | negative pairs | positives folded, SimHash | negatives folded, SimHash | positives folded, exact below ${MIN_SIMHASH_CHARS} | negatives folded, exact below ${MIN_SIMHASH_CHARS} |`)
    console.log('|---|---:|---:|---:|---:|---:|---:|')
    for (const [lo, hi] of buckets) {
      let pn = 0
      let nn = 0
      let pk = 0
      let nk = 0
      let pkr = 0
      let nkr = 0
      pairs.forEach((p, i) => {
        if (p.kind.group === 'extra') return
        const L = Math.min(cleanLen(p.a), cleanLen(p.b))
        if (L < lo || L >= hi) return
        if (p.kind.positive) {
          pn++
          if (hit(noShort[i]!, K)) pk++
          if (hit(chosen[i]!, K)) pkr++
        } else {
          nn++
          if (hit(noShort[i]!, K)) nk++
          if (hit(chosen[i]!, K)) nkr++
        }
      })
      const r = (a: number, b: number) => (b ? (a / b).toFixed(3) : '–')
      console.log(`| ${lo}–${hi >= 1e9 ? '' : hi - 1} | ${pn} | ${nn} | ${r(pk, pn)} | ${r(nk, nn)} | ${r(pkr, pn)} | ${r(nkr, nn)} |`)
    }
  }

  if (argv.includes('--examples')) {
    console.log('\n## examples\n')
    for (const kind of KINDS) {
      const i = pairs.findIndex((p) => p.kind === kind)
      const p = pairs[i]!
      console.log(`- ${kind.name} (d=${chosen[i]}):\n  A: ${p.ta.replace(/\n/g, '⏎').slice(0, 200)}\n  B: ${p.tb.replace(/\n/g, '⏎').slice(0, 200)}`)
    }
  }
  if (argv.includes('--misses')) {
    console.log('\n## misses and false folds of the chosen fingerprint\n')
    pairs.forEach((p, i) => {
      if (p.kind.group === 'extra' || hit(chosen[i]!, K) === p.kind.positive) return
      console.log(`- ${p.kind.name} d=${chosen[i]}\n  A: ${cleanTokens(p.a, DEFAULT_FINGERPRINT).join(' ').slice(0, 300)}\n  B: ${cleanTokens(p.b, DEFAULT_FINGERPRINT).join(' ').slice(0, 300)}`)
    })
  }
  realTexts()
}

/**
 * Real Weibo posts (../shared/corpora, when present): every pair of about 19,000 posts, split by
 * how much text they share (character-bigram Jaccard of the cleaned words below 0.3: unrelated;
 * the corpora hold many real reposts and copies). The unrelated pairs within k are false folds.
 */
function realTexts(): void {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/corpora')
  const files = ['weibo2018.dev.csv', 'smp2020_ewect.dev.csv'].map((f) => path.join(dir, f)).filter((f) => existsSync(f))
  if (files.length === 0) {
    console.log('\n(../shared/corpora not found: the real-text section is skipped)')
    return
  }
  const read = (f: string, n: number) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.replace(/^[a-z]+,/, '').replace(/^"|"$/g, '').replace(/""/g, '"').replace(/\{%|%\}/g, ''))
      .slice(0, n)
  const texts = [...new Set(files.flatMap((f) => read(f, QUICK ? 2000 : 12_000)))]
  const cuts = texts.map((t) => cut(t))
  // the words the fingerprint sees (hashtags kept when the rest is short)
  const grams = cuts.map((c) => {
    let w = cleanTokens(c, DEFAULT_FINGERPRINT)
    if (w.join('').length < MIN_SIMHASH_CHARS) w = cleanTokens(c, { ...DEFAULT_FINGERPRINT, dropHashtags: false })
    const s = w.join('')
    const g = new Set<string>()
    for (let i = 0; i + 2 <= s.length; i++) g.add(s.slice(i, i + 2))
    if (s.length === 1) g.add(s)
    return g
  })
  const jaccard = (a: Set<string>, b: Set<string>) => {
    let i = 0
    for (const x of a) if (b.has(x)) i++
    return i / (a.size + b.size - i || 1)
  }
  const n = texts.length
  console.log(`\n## real Weibo posts (${files.map((f) => path.basename(f)).join(', ')}: ${n.toLocaleString('en-US')} distinct posts, ${((n * (n - 1)) / 2).toLocaleString('en-US')} pairs)\n`)
  console.log('pairs within k, by whether the two posts share text (bigram Jaccard of the cleaned words ≥ 0.3) or not (< 0.3: false folds)\n')
  console.log('| variant | unrelated ≤4 | ≤6 | ≤7 | ≤8 | ≤10 | ≤12 | of which < 0.1 at ≤8 | sharing text ≤8 |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  const variants = QUICK ? [VARIANTS[VARIANTS.length - 1]!] : [VARIANTS[0]!, VARIANTS.find((v) => v.label.includes('every occurrence'))!, VARIANTS[VARIANTS.length - 1]!]
  for (const v of variants) {
    const lo: number[] = []
    const hi: number[] = []
    const ix: number[] = []
    cuts.forEach((c, i) => {
      const f = fingerprintWith(c, v.opts)
      if (f === null) return
      lo.push(Number(f & 0xffffffffn))
      hi.push(Number(f >> 32n))
      ix.push(i)
    })
    const unrelated = new Array<number>(13).fill(0)
    let sharing = 0
    let disjoint = 0
    for (let a = 0; a < lo.length; a++)
      for (let b = a + 1; b < lo.length; b++) {
        const d = popcount32((lo[a]! ^ lo[b]!) >>> 0) + popcount32((hi[a]! ^ hi[b]!) >>> 0)
        if (d > 12) continue
        const J = jaccard(grams[ix[a]!]!, grams[ix[b]!]!)
        if (J < 0.3) {
          unrelated[d]!++
          if (J < 0.1 && d <= 8) disjoint++
        } else if (d <= 8) sharing++
      }
    const cum = (k: number) => unrelated.slice(0, k + 1).reduce((x, y) => x + y, 0)
    console.log(`| ${v.label} | ${[4, 6, 7, 8, 10, 12].map(cum).join(' | ')} | ${disjoint} | ${sharing} |`)
  }
  // Real posts as repost material: the same transforms as above.
  rnd = prng(SEED + 1)
  let ok = 0
  let m = 0
  const dd: number[] = []
  for (const t of texts.slice(0, 1000)) {
    if (cleanLen(cut(t)) < MIN_SIMHASH_CHARS) continue
    const c = newCtx()
    const v = pick([repostChain(t, c, int(1, 3)), `转发微博//@${pick(USERS)}:${t}`, t + `#${c.dshort}#[赞]`, fewChars(t, 2)])
    const d = hamming(fingerprintText(cut(t))!, fingerprintText(cut(v))!)
    dd.push(d)
    m++
    if (d <= K) ok++
  }
  console.log(`\nreal posts (≥ ${MIN_SIMHASH_CHARS} cleaned characters) reposted or edited as above: ${ok}/${m} within k=${K} (median distance ${pct(dd, 0.5)}, p90 ${pct(dd, 0.9)})`)
}

// ---------------------------------------------------------------------------------------------
// Speed.

function bench(label: string, f: () => number, seconds = 1.5): number {
  f() // warm-up
  let bestRate = 0
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now()
    let n = 0
    while (performance.now() - t0 < (seconds * 1000) / 3) n += f()
    bestRate = Math.max(bestRate, n / ((performance.now() - t0) / 1000))
  }
  console.log(`${label}: ${Math.round(bestRate).toLocaleString('en-US')}/s`)
  return bestRate
}

async function speed(): Promise<void> {
  console.log('\n## speed (one core; best of 3 rounds)\n')
  rnd = prng(SEED + 2)
  const docs: string[][] = []
  while (docs.length < 2000) {
    const c = newCtx()
    let s = postText(makePost(c))
    while (cut(s).length < 55) s += postText(makePost(c))
    const t = cut(s)
    if (t.length <= 65) docs.push(t)
  }
  if (process.env.DUMP_DOCS) (await import('node:fs')).writeFileSync(process.env.DUMP_DOCS, JSON.stringify(docs))
  const avg = docs.reduce((a, t) => a + t.length, 0) / docs.length
  console.log(`${docs.length} Weibo-like texts of ${avg.toFixed(1)} jieba tokens on average`)
  const tks = docs.map((d) => tok(d.join('')))
  const srcs = tks.map(sourceOf)
  let sink = 0n
  bench('fingerprintText(jieba cut tokens)', () => {
    for (const d of docs) sink ^= fingerprintText(d) ?? 0n
    return docs.length
  })
  bench('fingerprintText(tokenize() tokens)', () => {
    for (const t of tks) sink ^= fingerprintText(t.tokens) ?? 0n
    return docs.length
  })
  bench('fingerprintText(tokenize() tokens, source)', () => {
    for (let i = 0; i < tks.length; i++) sink ^= fingerprintText(tks[i]!.tokens, srcs[i]) ?? 0n
    return docs.length
  })
  const cleaned = docs.map((d) => cleanTokens(d, DEFAULT_FINGERPRINT))
  bench('  cleanTokens alone', () => {
    for (const d of docs) sink ^= BigInt(cleanTokens(d, DEFAULT_FINGERPRINT).length)
    return docs.length
  })
  bench('  simhash64 of clean tokens alone', () => {
    for (const d of cleaned) sink ^= simhash64(d)
    return docs.length
  })
  if (!QUICK)
    for (const v of VARIANTS.slice(0, 13))
      bench(
        `fingerprint, ${v.label}`,
        () => {
          for (const d of docs) sink ^= fingerprintWith(d, v.opts) ?? 0n
          return docs.length
        },
        0.6,
      )
  bench(
    'hamming (bigint)',
    () => {
      let x = 0
      for (let i = 1; i < 4000; i++) x += hamming(BigInt(i) * 0x9e3779b97f4a7c15n, BigInt(i) * 0xc2b2ae3d27d4eb4fn)
      sink ^= BigInt(x)
      return 3999
    },
    0.5,
  )
  if (sink === 42n) console.log('')

  const rand64 = (r: () => number) => (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))
  for (const N of QUICK ? [200_000] : [100_000, 1_000_000, 3_000_000]) {
    const r = prng(N)
    const hs: bigint[] = []
    for (let i = 0; i < N; i++) hs.push(rand64(r))
    const idx = new NearDuplicateIndex()
    const t0 = performance.now()
    for (let i = 0; i < N; i++) idx.add(i + 1, hs[i]!)
    const sec = (performance.now() - t0) / 1000
    // lookups at full size
    const t1 = performance.now()
    let found = 0
    for (let i = 0; i < 20_000; i++) if (idx.lookup(rand64(r)) !== null) found++
    const lsec = (performance.now() - t1) / 1000
    console.log(`index of ${N.toLocaleString('en-US')} random fingerprints (k=${idx.threshold}, ${idx.blocks} blocks, radii ${idx.radii.join('/')}): add ${Math.round(N / sec).toLocaleString('en-US')}/s on average while filling, lookup at full size ${Math.round(20_000 / lsec).toLocaleString('en-US')}/s; ${idx.bytesPerItem().toFixed(0)} bytes/item in typed arrays`)
  }
  // Lookup cost by threshold (the index is memory-bound: probes × cache misses).
  if (!QUICK) {
    const cells: string[] = []
    for (const k of [4, 5, 6, 7, 8, 9, 10]) {
      const row: string[] = []
      for (const N of [100_000, 1_000_000]) {
        const r = prng(k * 1000 + N)
        const idx = new NearDuplicateIndex({ threshold: k })
        for (let i = 0; i < N; i++) idx.add(i + 1, rand64(r))
        const qs = Array.from({ length: 20_000 }, () => rand64(r))
        const t1 = performance.now()
        for (const q of qs) idx.lookup(q)
        row.push(`${Math.round(qs.length / ((performance.now() - t1) / 1000)).toLocaleString('en-US')}`)
        if (N === 100_000) row.unshift(`${idx.blocks} (${idx.radii.join('/')})`)
      }
      cells.push(`| ${k} | ${row.join(' | ')} |`)
    }
    console.log('\n| k | blocks (radii) | lookups/s at 100,000 items | lookups/s at 1,000,000 items |\n|---:|---|---:|---:|\n' + cells.join('\n') + '\n')
  }
  // The bench's shape (1,000,000 mentions over 90 days) through a 7-day window, evicted daily.
  {
    const N = QUICK ? 200_000 : 1_000_000
    const perDay = N / 90
    const r = prng(9)
    const hs: bigint[] = []
    for (let i = 0; i < N; i++) hs.push(r() < 0.2 && i > 0 ? hs[i - 1 - Math.floor(r() * Math.min(i, 2000))]! ^ (1n << BigInt(Math.floor(r() * 64))) : rand64(r))
    const idx = new NearDuplicateIndex()
    let day = 0
    let maxSize = 0
    const t0 = performance.now()
    for (let i = 0; i < N; i++) {
      const d = Math.floor(i / perDay)
      if (d !== day) {
        day = d
        idx.evictBefore(day - 7)
      }
      idx.add(i + 1, hs[i]!, day)
      if (idx.size > maxSize) maxSize = idx.size
    }
    const sec = (performance.now() - t0) / 1000
    console.log(`index, ${N.toLocaleString('en-US')} fingerprints over 90 days through a 7-day window (evictBefore daily): add ${Math.round(N / sec).toLocaleString('en-US')}/s including evictions, at most ${maxSize.toLocaleString('en-US')} held`)
  }
  // A stream of stories: 20% of items are near-duplicates (≤ 8 bits flipped) of one of the last
  // 5,000, and one viral story takes 4% of the stream (20,000 items).
  {
    const N = 500_000
    const r = prng(7)
    const hs: bigint[] = []
    const flip = (h: bigint, n: number) => {
      for (let i = 0; i < n; i++) h ^= 1n << BigInt(Math.floor(r() * 64))
      return h
    }
    const viral = rand64(r)
    for (let i = 0; i < N; i++) {
      const u = r()
      if (u < 0.04) hs.push(flip(viral, Math.floor(r() * 9)))
      else if (u < 0.24 && i > 0) hs.push(flip(hs[Math.max(0, i - 1 - Math.floor(r() * 5000))]!, Math.floor(r() * 9)))
      else hs.push(rand64(r))
    }
    const idx = new NearDuplicateIndex()
    const t0 = performance.now()
    let folded = 0
    for (let i = 0; i < N; i++) if (idx.add(i + 1, hs[i]!) !== i + 1) folded++
    const sec = (performance.now() - t0) / 1000
    console.log(`index, a stream of ${N.toLocaleString('en-US')} stories (24% near-duplicates, one story of 20,000): add ${Math.round(N / sec).toLocaleString('en-US')}/s, ${folded.toLocaleString('en-US')} folded, ${idx.size.toLocaleString('en-US')} held`)
  }
}

// Run only as a script (the unit tests import constructPairs).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (QUALITY) quality()
  if (SPEED) await speed()
}
