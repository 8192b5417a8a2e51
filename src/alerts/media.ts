/**
 * Official media (央媒 and 省媒/市媒 of Guangdong and Shenzhen, the first office's own) by Weibo
 * account name and news site domain, for the high-reach alert rule. A short, conservative list:
 * the accounts and sites whose report of a negative story reaches far by itself.
 */
export type MediaTier = '央媒' | '省媒' | '市媒'

const ACCOUNTS: Record<string, MediaTier> = {
  人民日报: '央媒',
  新华社: '央媒',
  新华视点: '央媒',
  央视新闻: '央媒',
  人民网: '央媒',
  新华网: '央媒',
  中国新闻网: '央媒',
  中国新闻周刊: '央媒',
  光明日报: '央媒',
  环球时报: '央媒',
  中国青年报: '央媒',
  经济日报: '央媒',
  法治日报: '央媒',
  南方日报: '省媒',
  南方都市报: '省媒',
  南方周末: '省媒',
  羊城晚报: '省媒',
  广东台触电新闻: '省媒',
  深圳特区报: '市媒',
  深圳商报: '市媒',
  深圳晚报: '市媒',
  晶报: '市媒',
  深圳卫视深视新闻: '市媒',
}

const DOMAINS: Array<[string, string, MediaTier]> = [
  ['people.com.cn', '人民网', '央媒'],
  ['xinhuanet.com', '新华网', '央媒'],
  ['news.cn', '新华网', '央媒'],
  ['cctv.com', '央视网', '央媒'],
  ['chinanews.com.cn', '中国新闻网', '央媒'],
  ['chinanews.com', '中国新闻网', '央媒'],
  ['gmw.cn', '光明网', '央媒'],
  ['huanqiu.com', '环球网', '央媒'],
  ['youth.cn', '中国青年网', '央媒'],
  ['southcn.com', '南方网', '省媒'],
  ['oeeee.com', '南方都市报', '省媒'],
  ['ycwb.com', '羊城晚报', '省媒'],
  ['sznews.com', '深圳新闻网', '市媒'],
]

/** The official outlet behind an author name or URL, or null. */
export function isOfficialMedia(authorName: string | null, url: string | null): { name: string; tier: MediaTier } | null {
  if (authorName && ACCOUNTS[authorName]) return { name: authorName, tier: ACCOUNTS[authorName]! }
  if (url) {
    let host: string
    try {
      host = new URL(url).hostname.toLowerCase()
    } catch {
      return null
    }
    for (const [d, name, tier] of DOMAINS) if (host === d || host.endsWith(`.${d}`)) return { name, tier }
  }
  return null
}
