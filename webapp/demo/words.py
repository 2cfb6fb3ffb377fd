"""Word lists for the demo data: Chinese names, places, roads, buildings, firms and origins."""

from __future__ import annotations

# The seed's district: township/street name, communities, administrative villages, region code
# (婺城区 330702, 金东区 330703) used for most locally born residents. 50 communities, 102 villages.
ZONE_TOWNSHIPS: tuple[tuple[str, int, int, str], ...] = (
    ("汤溪镇", 3, 20, "330702"),
    ("罗埠镇", 2, 18, "330702"),
    ("洋埠镇", 1, 14, "330702"),
    ("江南街道", 14, 4, "330702"),
    ("秋滨街道", 10, 6, "330702"),
    ("三江街道", 12, 4, "330702"),
    ("苏孟乡", 2, 18, "330702"),
    ("塘雅镇", 6, 18, "330703"),
)
ZONE_NAME = "金华开发区"

# Region codes of people born nearby (金华 and its counties) and of migrant workers' home counties.
LOCAL_REGIONS = ("330702", "330703", "330781", "330782", "330783", "330784", "330723", "330726")
MIGRANT_REGIONS = (
    "341221",  # 临泉县
    "341222",  # 太和县
    "341282",  # 界首市
    "361127",  # 余干县
    "361128",  # 鄱阳县
    "411521",  # 罗山县
    "411522",  # 光山县
    "430524",  # 隆回县
    "511621",  # 岳池县
    "513701",  # 巴州区
    "520521",  # 大方县
    "522426",  # 纳雍县 (old code, still on many cards)
    "532128",  # 镇雄县
)

# Frequent surnames first: the loader weights them by rank. The tail has the district's own
# (楼 应 傅 倪 童) and a few compound ones (诸葛 lives next door in 兰溪).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤楼应倪童俞章盛施鲍邢翁柳葛虞詹滕舒洪蓝厉骆"
)
COMPOUND_SURNAMES = ("诸葛", "欧阳", "司马", "上官")

# Given-name characters by generation: people born before 1980 and after.
MALE_OLD = "国建华明军平志伟强文德金根林海荣忠福永新春祥龙成富东生水良宝庆光兴法有才"
MALE_YOUNG = "浩宇轩睿泽杰俊博涛鹏飞磊超斌昊晨然凯鑫瑞阳航皓铭哲奕辰煜楠诚霖峰逸亮旭嘉"
FEMALE_OLD = "秀英兰芳珍玉凤美华丽萍红梅霞燕琴娟素月菊莲云香金爱仙彩花翠桂芬佩"
FEMALE_YOUNG = "婷欣怡佳雨萱涵诗梦瑶琪妍悦晴雪璐颖倩静敏洁琳蕾薇馨彤可语思钰琦媛韵菲"
# Characters missing from many fonts and input methods: the ID card printer must cope with them.
RARE_GIVEN = "堃镕喆燚赟玥珺昇犇淼焱垚旻翀珩彧"

# The word lists stay packed, several to a line.
# fmt: off
COMMUNITY_STEMS = (
    "湖海塘", "宾虹", "三江", "秋滨", "江南", "丽州", "环城", "白龙桥", "新狮", "双溪",
    "婺江", "金兰", "梅溪", "九峰", "雅苑", "和平", "光明", "幸福", "新华", "清风",
    "阳光", "东苑", "西苑", "南苑", "北苑", "锦绣", "金桥", "银湖", "翠湖", "春晓",
    "明月", "康乐", "福民", "永安", "长春", "青春", "丹溪", "芙蓉", "紫荆", "玉泉",
    "星湖", "燕尾洲", "金帆", "李渔", "八咏", "通济", "回溪", "五一", "新江", "石门",
    "汤溪", "罗埠", "洋埠", "苏孟", "塘雅", "湖畔", "文荣", "金苑", "世纪", "龙腾",
    "铁岭", "新兴", "宏福", "建设",
)
VILLAGE_FIRST = "寺莘厚上下新中白石岩塔洪蒋胡杨曹柳溪塘叶泉湖山竹桥金仙龙凤前后东西南大小"
VILLAGE_SECOND = "平畈塘头口桥山溪里坞宅店湖埠田垄园岭源堰墩"
NATURAL_PREFIXES = "上下前后东西南北新老大小"
NATURAL_SUFFIXES = "宅家店塘坞山畈"

ROADS = (
    "八一南街", "李渔路", "宾虹路", "双龙南街", "丹溪路", "金帆街", "环城南路", "婺州街",
    "人民东路", "南二环西路", "江南一路", "秋滨路", "三江路", "汤溪大街", "罗埠大道", "塘雅路",
    "苏孟路", "洋埠街", "金衢路", "仙华南街", "湖海塘路", "新兴街",
)
BUILDING_STEMS = (
    "金帆", "万达", "银泰", "婺商", "开元", "国贸", "时代", "恒大", "绿城", "新世纪", "财富",
    "金茂", "置信", "中天", "宏宇", "东方",
)
BUILDING_SUFFIXES = ("大厦", "广场", "公寓", "商务楼", "中心", "花园")
ORGANISATION_TYPES = (
    "小学", "中学", "幼儿园", "卫生院", "敬老院", "派出所", "供电所", "中心医院", "职业学校",
    "文化站",
)
ENTERPRISE_STEMS = (
    "华鑫", "联创", "正阳", "海峰", "尖峰", "今飞", "万里", "巨龙", "恒丰", "天宇", "东方",
    "宏达", "新光", "金龙", "永盛", "佳利", "博瑞", "瑞丰", "浙中", "卓远",
)
ENTERPRISE_TRADES = (
    "机械", "电子", "汽配", "纺织", "食品", "五金", "塑业", "科技", "医药", "建材", "包装",
    "工具", "电器",
)

# Where returnees came from: the first list marks the higher-risk places the warnings watch.
ORIGINS_WATCHED = (
    "湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "浙江省温州市", "广东省深圳市",
    "河南省信阳市", "安徽省阜阳市",
)
ORIGINS_OTHER = (
    "上海市", "浙江省杭州市", "浙江省宁波市", "江苏省苏州市", "江西省上饶市", "贵州省毕节市",
    "四川省广安市", "湖南省邵阳市", "北京市", "广东省广州市", "福建省福州市",
)

# Mobile prefixes in use; every one gives a number matching identity.is_valid_phone.
PHONE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
)

# fmt: on

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十: for names like 第十二网格 (1 ≤ n ≤ 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")
