/**
 * The built-in topic taxonomy (话题) for a district government, used when the config's `topics`
 * is empty. Written in the rule language of src/nlp/topics.ts, so an office can copy a rule into
 * yuqing.yaml and edit it:
 *
 *     topics:
 *       - name: 交通
 *         rule: (地铁 OR 公交 OR 拥堵 OR 宝安机场) NOT (手游 OR 地铁跑酷)
 *
 * How the rules are written (precision first — a wrongly tagged post costs an analyst more than
 * a missed one, and a topic usually has several other terms a relevant post will also use):
 * - Terms are matched as substrings, so the shortest term that is specific enough covers its
 *   compounds: 城管 covers 城管局 and 城管执法, 扰民 covers 噪音扰民. Redundant terms are left out
 *   (test/unit/topics.test.ts checks this), which also keeps `analyze --explain` short.
 * - Words with a common unrelated sense are avoided or scoped: bare 执法 (police, traffic and
 *   market regulators all 执法) gives way to 综合执法/执法队员; 高速 (高速发展) to 高速公路;
 *   经济 (经济舱, 经济适用房) to its compounds; 110/120/12345/12315 only inside longer terms (the
 *   digits occur in prices, dates and 123456).
 * - A sense of one term is excluded in a group, `(教育 NOT (受教育 OR 教育意义 …))`, so a text
 *   that says 受教育 can still be 教育 through 学校; a topic-wide NOT is kept for genre noise
 *   (TV dramas, mobile games, stock tips, fan-club 举报 wars) that no term of the topic redeems.
 * - 剧情 is not excluded anywhere: 剧情反转 is how Weibo describes a real incident turning round.
 * - A text may get several topics (a 车祸 is 交通, and 安全生产 if there are 伤亡).
 *
 * Deliberate choice for complaints: 民生投诉 holds the words of citizens complaining or asking for
 * help (投诉, 举报, 求助, 扰民, 停水 …) whatever the department, so "宝安区城管局30分钟内回应了
 * 市民投诉，效率很高👍" is 城管 and 民生投诉. It is not 政务服务, which is about getting things done
 * at government counters and hotlines (办事, 审批, 户籍, 12345热线, 推诿): 回应 alone is in every
 * official statement and would make the topic meaningless.
 */

/** Collapses a multi-line rule literal to one line. */
const rule = (s: TemplateStringsArray): string => s.raw.join('').replace(/\s+/g, ' ').trim()

export const DEFAULT_TOPICS: Array<{ name: string; rule: string }> = [
  {
    name: '治安',
    rule: rule`(警方 OR 警情 OR 公安 OR 派出所 OR 民警 OR 辅警 OR 特警 OR (报警 NOT 报警器) OR 拨打110 OR 治安
      OR 盗窃 OR 偷盗 OR 小偷 OR 扒手 OR 失窃 OR 被盗 OR 入室 OR 抢劫 OR 抢夺 OR 诈骗 OR 电诈 OR 反诈 OR 被骗
      OR 打架 OR 斗殴 OR 打人 OR 持刀 OR 砍人 OR 伤人 OR 杀人 OR 命案 OR 嫌疑人 OR 嫌犯 OR 刑拘 OR 拘留 OR 抓获 OR 落网
      OR 涉黑 OR 涉恶 OR 赌博 OR 吸毒 OR 贩毒 OR 卖淫 OR 嫖娼 OR 传销 OR 猥亵 OR 性骚扰 OR 偷拍 OR 失踪 OR 走失)
      NOT (电视剧 OR 网剧 OR 短剧 OR 主演 OR 剧透 OR 票房 OR 小说 OR 手游 OR 网游 OR 剧本杀 OR 狼人杀)`,
  },
  {
    name: '城管',
    rule: rule`城管 OR (城市管理 NOT (城市管理专业 OR 城市管理学)) OR 综合执法 OR 执法队员 OR 占道 OR 违建 OR 违章建筑 OR 违法建筑
      OR 违章搭建 OR 乱搭建 OR 乱搭乱建 OR 拆违 OR 查违 OR 乱摆卖 OR 摆摊 OR 摊贩 OR 小贩 OR 地摊 OR 市容 OR 环境卫生
      OR 垃圾清运 OR 垃圾分类 OR 垃圾成堆 OR 垃圾堆放 OR 乱丢垃圾 OR 乱扔垃圾 OR 乱堆乱放 OR 乱贴 OR 小广告 OR 户外广告
      OR 广告牌 OR 井盖 OR 路灯 OR 绿化带 OR 公厕 OR 渣土 OR 犬只 OR 遛狗不牵绳 OR 门前三包
      OR (牛皮癣 NOT (治疗 OR 皮肤 OR 银屑病 OR 医院))`,
  },
  {
    name: '交通',
    rule: rule`(地铁 OR 轨道交通 OR 号线 OR 公交 OR 巴士 OR 出租车 OR 网约车 OR 共享单车 OR 泥头车
      OR 拥堵 OR 堵车 OR 塞车 OR 早高峰 OR 晚高峰 OR 交警 OR 红绿灯 OR 信号灯 OR 斑马线 OR (路口 NOT 人生) OR 人行道 OR 天桥 OR 隧道 OR 立交
      OR 车祸 OR 追尾 OR 撞车 OR 相撞 OR 剐蹭 OR 闯红灯 OR 违停 OR 违章停车 OR 乱停 OR 停车难 OR 停车场 OR 停车费
      OR 酒驾 OR 醉驾 OR 炸街 OR 高速公路 OR 封路 OR 绕行 OR 限行 OR 机场 OR 航班
      OR (交通 NOT (交通银行 OR 交通大学 OR 交大)))
      NOT (手游 OR 网游 OR 游戏攻略 OR 模拟器 OR 地铁跑酷)`,
  },
  {
    name: '教育',
    rule: rule`((教育 NOT (受教育 OR 教育意义 OR 警示教育 OR 主题教育 OR 廉政教育 OR 普法教育 OR 批评教育 OR 教育整顿
        OR 思想教育 OR 爱国主义教育 OR 学习教育 OR 教育引导))
      OR 学校 OR 校园 OR 小学 OR 中学 OR 初中 OR 高中 OR 幼儿园 OR 托育 OR 学生 OR 教师 OR 班主任 OR 校长 OR 家长群 OR 家长会
      OR 学位 OR 入学 OR 招生 OR 学区 OR 学籍 OR 中考 OR 高考 OR 课后服务 OR 双减 OR 补课 OR 校外培训 OR 培训机构 OR 辅导班
      OR 校服 OR 校车 OR 开学 OR 放学 OR 午托 OR 体罚 OR 学费)
      NOT (电视剧 OR 网剧 OR 短剧 OR 主演 OR 剧透 OR 动漫 OR 番剧 OR 手游 OR 网游)`,
  },
  {
    name: '医疗卫生',
    rule: rule`(医院 OR 卫生院 OR 社康 OR 社区健康服务 OR 诊所 OR 门诊 OR 急诊 OR 住院 OR 病床 OR 医生
      OR 护士 OR 医护 OR 医务人员 OR 医疗 OR 就医 OR 看病 OR 挂号 OR 医保 OR 医患 OR 医闹 OR 误诊 OR 手术 OR 疫苗 OR 接种
      OR 疫情 OR 传染病 OR 登革热 OR 流感 OR 卫健 OR 卫生健康 OR 急救 OR 救护车 OR 拨打120 OR 妇幼 OR 产检 OR 体检 OR 献血)
      NOT (宠物医院 OR 动物医院 OR 电视剧 OR 网剧 OR 短剧 OR 主演 OR 剧透 OR 手游 OR 网游)`,
  },
  {
    name: '就业',
    rule: rule`就业 OR 失业 OR 求职 OR (招聘 NOT (刷单 OR 日结 OR 日赚 OR 躺赚)) OR 招工 OR 用工 OR 裁员 OR 辞退 OR 离职 OR 欠薪
      OR 讨薪 OR 工资 OR 薪资 OR 农民工 OR 劳动仲裁 OR 劳动争议 OR 劳动合同 OR 劳动监察 OR 劳务派遣 OR 社保 OR 五险一金
      OR 人社 OR 人力资源 OR (加班 NOT (加班加点 OR 加班车)) OR 996工作制 OR 工伤 OR 实习 OR 毕业生 OR 应届生 OR 零工
      OR 技能培训 OR 职业培训 OR 稳岗`,
  },
  {
    name: '环保',
    rule: rule`环保 OR 环境保护 OR 生态环境 OR 生态保护 OR 生态文明 OR (污染 NOT (精神污染 OR 污染眼睛)) OR 排污 OR 偷排 OR 直排
      OR 废水 OR 污水 OR 黑臭 OR 水质 OR 河道 OR 河涌 OR 死鱼 OR (臭味 NOT 臭味相投) OR 异味 OR 恶臭 OR 废气 OR 粉尘 OR 扬尘
      OR 雾霾 OR 空气质量 OR PM2.5 OR 噪音 OR 噪声 OR 垃圾焚烧 OR 垃圾填埋 OR 固废 OR 危废 OR 危险废物 OR 环评 OR 碳排放
      OR 碳中和 OR 碳达峰 OR 节能减排 OR 蓝天保卫战 OR 治水 OR 红树林 OR 海漂垃圾 OR 油污 OR 基站辐射 OR 核辐射`,
  },
  {
    name: '住房',
    rule: rule`(住房 OR 房价 OR 楼市 OR 房地产 OR 楼盘 OR 开发商 OR 烂尾 OR 交房 OR 收楼 OR 房产证 OR 不动产登记 OR 保障房
      OR 人才房 OR 安居房 OR 商品房 OR 租房 OR 房租 OR 房东 OR 租客 OR 租金 OR 城中村 OR 旧改 OR 城市更新 OR 拆迁
      OR 回迁 OR 棚改 OR 物业 OR 业主 OR 业委会 OR 加装电梯 OR 漏水 OR 墙体开裂 OR 房屋质量 OR 公积金 OR 学区房 OR 限购
      OR 首付 OR 房贷 OR 二手房 OR 新房 OR 买房 OR 购房 OR 售楼)
      NOT (手游 OR 网游 OR 我的世界 OR 模拟人生)`,
  },
  {
    name: '食品药品安全',
    rule: rule`(食品安全 OR 食安 OR 食物中毒 OR 食源性 OR 过期食品 OR 食品过期 OR 临期食品 OR 变质 OR 发霉 OR 霉变
      OR (吃出 NOT (吃出健康 OR 吃出美味 OR 吃出幸福)) OR 异物 OR 地沟油 OR (添加剂 NOT (零添加 OR 无添加)) OR 三无产品
      OR 假冒伪劣 OR 假药 OR 劣药 OR 药品 OR 药店 OR 药房 OR 处方药 OR 保健品 OR 医疗器械 OR 化妆品 OR 后厨 OR 食堂
      OR 预制菜 OR 农药残留 OR 农残 OR 瘦肉精 OR 病死猪 OR 注水肉 OR 非洲猪瘟 OR 健康证 OR 食品经营许可 OR 拉肚子
      OR 腹泻 OR 上吐下泻 OR 食药监)
      NOT (包邮 OR 优惠券 OR 下单链接 OR 招商加盟)`,
  },
  {
    name: '安全生产',
    rule: rule`(安全生产 OR 安全事故 OR 生产事故 OR 责任事故 OR 事故调查 OR 安全隐患 OR 隐患排查 OR 应急管理 OR 应急演练 OR 防汛 OR 火灾 OR 起火
      OR 着火 OR 失火 OR 火情 OR 消防 OR 灭火 OR (爆炸 NOT (信息爆炸 OR 爆炸性 OR 爆炸头 OR 人气爆炸)) OR 燃爆 OR 燃气泄漏
      OR 煤气罐 OR 液化气 OR 坍塌 OR 倒塌 OR 塌方 OR 滑坡 OR 触电 OR 高空坠物 OR 高处坠落 OR 脚手架 OR 塔吊 OR 基坑
      OR 施工安全 OR 危化品 OR 危险化学品 OR 有限空间 OR 中毒窒息 OR 电梯困人 OR 电梯故障 OR 特种设备 OR 飞线充电
      OR 电动车充电 OR 伤亡 OR 遇难 OR 工亡)
      NOT (电视剧 OR 网剧 OR 短剧 OR 主演 OR 剧透 OR 票房 OR 手游 OR 网游)`,
  },
  {
    name: '营商/产业',
    rule: rule`(营商 OR 企业 OR 民营 OR 民企 OR 市场主体 OR 招商 OR 投资项目 OR 外商投资 OR 项目签约 OR 签约仪式 OR 签约落户
      OR 项目落地 OR 产业 OR 制造业 OR 工业园 OR 园区 OR 经济发展 OR 经济运行 OR 经济增长 OR 数字经济 OR 低空经济
      OR 实体经济 OR GDP OR 税收 OR 减税降费 OR 融资 OR 上市公司 OR 商户 OR 个体户 OR 营业执照 OR 倒闭 OR 外迁 OR 厂房
      OR 专精特新 OR 高新技术 OR 独角兽 OR 跨境电商 OR 外贸 OR 进出口 OR 会展 OR 展会 OR (创业 NOT 创业板) OR 孵化器
      OR 营收 OR 产值 OR 助企 OR 惠企 OR 纾困)
      NOT (荐股 OR 牛股 OR 股吧 OR 涨停 OR 跌停 OR 手游 OR 网游)`,
  },
  {
    name: '政务服务',
    rule: rule`政务服务 OR 政务大厅 OR 行政服务大厅 OR 便民服务 OR 党群服务中心 OR 办事大厅 OR 一网通办 OR 一件事一次办 OR 秒批
      OR 掌上办 OR 粤省事 OR 粤商通 OR 12345热线 OR 打12345 OR 打了12345 OR 市长热线 OR 政务热线 OR 办事难 OR 办事效率
      OR 办事指南 OR 办事群众 OR 来办事 OR 去办事 OR 办证 OR 审批 OR 服务窗口 OR 办事窗口 OR 户籍 OR 户口 OR 居住证
      OR 办身份证 OR 社保卡 OR 证明材料 OR 开证明 OR 跑腿 OR 推诿 OR 踢皮球 OR 不作为 OR 乱作为 OR 门难进 OR 事难办
      OR 信息公开 OR 依申请公开 OR 出入境 OR 港澳通行证 OR 行政许可`,
  },
  {
    name: '文旅',
    rule: rule`(旅游 OR 文旅 OR 景区 OR 景点 OR (游客 NOT (游客模式 OR 游客登录 OR 游客身份 OR 游客账号)) OR 网红打卡 OR 打卡点
      OR 打卡地 OR 公园 OR 海滨 OR 沙滩 OR 博物馆 OR 图书馆 OR 美术馆 OR 文化馆 OR 演唱会 OR 音乐节 OR 文化节 OR 艺术节
      OR 非遗 OR 民俗 OR 庙会 OR 醒狮 OR 舞龙 OR 龙舟 OR 夜市 OR 夜经济 OR 美食节 OR 民宿 OR 门票 OR 黄金周 OR 露营
      OR 体育 OR 马拉松 OR 赛事 OR 文体 OR 展览 OR 电影院 OR 剧场 OR 演出 OR 文物 OR 古村 OR 绿道)
      NOT (手游 OR 网游 OR 游戏攻略 OR 副本)`,
  },
  {
    name: '民生投诉',
    rule: rule`投诉 OR (举报 NOT (黑粉 OR 超话 OR 控评 OR 反黑 OR 饭圈)) OR 维权 OR 求助 OR 诉求 OR 多次反映 OR 反映问题 OR 扰民
      OR 停水 OR 停电 OR 断水 OR 断电 OR 水压低 OR 乱收费 OR 退费 OR 退款难 OR 拒绝退款 OR 霸王条款 OR (纠纷 NOT (纠纷案 OR 审理 OR 开庭 OR 判决)) OR 坑人 OR 黑心
      OR 没人管 OR 无人管 OR 管管 OR 管一管 OR 谁来管 OR 信访 OR 上访 OR 留言板 OR 12315热线 OR 怨声载道 OR 苦不堪言 OR 忍无可忍
      OR 臭气熏天 OR 蚊虫 OR 脏乱差 OR 急难愁盼 OR 烦心事`,
  },
]
