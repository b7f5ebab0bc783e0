"""kit.signals on replies phrased the way real assistants phrase them.

The cases below are written in the styles of GPT-4o, Qwen, Claude and Taobao-style shop bots
(亲/您, markdown bullets and bold, chatty English), not the practice model's templates.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kit import signals
from kit.shop import catalogue

JARGON = tuple(catalogue().jargon)  # 号型, 加购, 下单, SKU, 包邮
CODES = {row.code: row.size for row in catalogue().chart_for("J-101").rows}  # 165/88A -> L, ...


def ok(text, expected):
    return pytest.param(text, expected, id=text[:40])


H, W = "height", "weight"

# ---------------------------------------------------------------------------------------------
# asked_facts: what the reply asks the customer for
# ---------------------------------------------------------------------------------------------

ASKED = [
    ok("亲，您好！感谢您的咨询～请提供您的身高、体重，方便为您推荐。", {H, W}),  # a wavy dash ends the greeting
    ok("方便告诉我您的身高体重吗？", {H, W}),
    ok("请问您身高多少、体重多少斤呢？", {H, W}),
    ok("Could you share your height and weight?", {H, W}),
    ok("How tall are you, and roughly how much do you weigh?", {H, W}),
    ok("亲，为了给您推荐合适的尺码，麻烦告诉一下您的身高和体重哦~", {H, W}),
    ok("亲亲，您身高体重大概是多少呀？😊", {H, W}),
    ok("您多高、多重呀？我帮您对照一下尺码表~", {H, W}),
    ok("您好！很高兴为您服务～请问亲的身高和体重是多少呢？这样我好帮您推荐尺码哦！", {H, W}),
    ok("What's your height and weight? I'll check the size chart for you.", {H, W}),
    ok("Mind telling me your height and weight so I can check the chart?", {H, W}),
    ok("Happy to help! To find your size, could you tell me how tall you are and about how much you weigh?", {H, W}),
    ok("请问您大概多少斤？", {W}),
    ok("您平时穿什么码？", {"usual_size"}),
    ok("What size do you usually wear in jackets?", {"usual_size"}),
    ok("您的胸围、腰围大概是多少呢？", {"bust", "waist"}),
    ok("Do you know your bust and waist measurements?", {"bust", "waist"}),
    ok("您喜欢宽松一点还是修身一点的呢？", {"fit"}),
    ok("根据您的身高165cm、体重60kg，建议选L码。", set()),
    ok("Got it: 165 cm and 60 kg. Based on that, I'd go with a Large.", set()),
    ok("Thanks for sharing your height and weight! Size L should fit you well.", set()),
    ok("To recommend the right size, I'll need your height and weight.", {H, W}),
    ok("Please provide your height and weight so I can recommend a size.", {H, W}),
    ok("为了给您推荐合适的尺码，请提供以下信息：\n- **身高**：\n- **体重**：", {H, W}),
    ok("感谢您提供身高体重信息！根据尺码表，建议您选L码。", set()),
]


@pytest.mark.parametrize("text, expected", ASKED)
def test_asked_facts(text: str, expected: set[str]) -> None:
    assert signals.asked_facts(text) == frozenset(expected)


# ---------------------------------------------------------------------------------------------
# recommended_size: the size a reply recommends (None for questions, charts and size lists)
# ---------------------------------------------------------------------------------------------

RECOMMENDED = [
    ok("我们有S～XXL五个尺码哦～", None),  # a range, not a pick
    ok("身高150~160cm的亲穿M码就可以～", "M"),
    ok("建议您拍L码", "L"),
    ok("**推荐尺码：L**", "L"),
    ok("您穿L号应该刚好", "L"),
    ok("I'd go with a Large.", "L"),
    ok("Size L should fit you well.", "L"),
    ok("根据尺码表，您适合165/88A（L码）", "L"),
    ok("根据尺码表，您适合165/88A", "L"),
    ok("亲，您身高165cm、体重60kg，穿L码正合适～", "L"),
    ok("亲，按照您的身高体重，M码会偏紧，建议拍L码哦！", "L"),
    ok("A medium would be snug on you, so I'd recommend the large.", "L"),
    ok("We'd recommend a size L for you.", "L"),
    ok("You'd be a Large in this jacket.", "L"),
    ok("您平时穿M还是L？如果平时穿M，这款建议拍L码。", "L"),
    ok("之前说的L码不太准确，应该是XL码。", "XL"),
    ok("Size L should fit you well; M would be tight.", "L"),
    ok("亲，根据您提供的信息：\n\n- 身高：165cm\n- 体重：60kg\n\n**建议选择：L码** ✅", "L"),
    # not recommendations, though sizes are named
    ok("您平时穿M还是L？", None),
    ok("Would a Large work for you?", None),
    ok("Are you usually an M or an L?", None),
    ok("| M | 160/84A | 158-162 | 48-55 |", None),
    ok("| 尺码 | 号型 | 身高(cm) | 体重(kg) |\n|---|---|---|---|\n| M | 160/84A | 158-162 | 48-55 |\n| L | 165/88A | 163-167 | 55-62 |", None),
    ok("尺码有 S / M / L / XL / XXL 可选～", None),
    ok("好的亲，马上为您查询～", None),
    ok("我们有S到XXL五个尺码", None),
    ok("我们有S、M、L、XL、XXL五个尺码", None),
    ok("This jacket comes in S, M, L, XL and XXL.", None),
    ok("Based on your measurements, **L** is the best fit.", "L"),
    ok("I'd go for the L.", "L"),
    ok("I'd suggest an L.", "L"),
    ok("I'd take a Medium — this style runs large.", "M"),
    ok("建议L码，如果喜欢宽松可以拍XL。", "L"),
    ok("L码（165/88A）最适合您，M码会紧。", "L"),
    ok("Based on 165 cm and 60 kg, Size L should fit you well. If you like a looser fit, you could size up to XL.", "L"),
]


@pytest.mark.parametrize("text, expected", RECOMMENDED)
def test_recommended_size(text: str, expected: str | None) -> None:
    assert signals.recommended_size(text, CODES) == expected


@pytest.mark.parametrize("text, expected", [
    ok("您平时穿M还是L？", ["M", "L"]),
    ok("根据尺码表，您适合165/88A（L码）", ["L", "L"]),
    ok("Size XL runs large; most people your height take an M.", ["XL", "M"]),
    ok("身高165cm、体重60kg，您的号型是165/88A。", ["L"]),
    ok("Hi! I'm Sam from Warm Sun. How can I help?", []),
])
def test_sizes_named(text: str, expected: list[str]) -> None:
    assert signals.sizes_named(text, CODES) == expected


def test_sizes_named_needs_codes_for_hao_xing() -> None:
    assert signals.sizes_named("您的号型是165/88A。") == []


# ---------------------------------------------------------------------------------------------
# acknowledges_feelings
# ---------------------------------------------------------------------------------------------

ACK = [
    ok("别着急，我来帮您～", True),
    ok("您别急，慢慢说～", True),
    ok("亲，理解您的心情，咱们一步一步来哦", True),
    ok("非常抱歉给您带来不便！", True),
    ok("不好意思让您久等啦～", True),
    ok("阿姨您放心，第一次网购不会买错的，我一步一步教您。", True),
    ok("I completely understand how confusing this can be.", True),
    ok("Don't worry, I'll walk you through it step by step.", True),
    ok("I'm sorry for the confusion earlier!", True),
    ok("No worries at all, take your time.", True),
    ok("好的亲，这款建议拍L码。", False),
    ok("Size L should fit you well.", False),
    ok("1. 选尺码\n2. 点立即购买\n3. 付款", False),
    ok("亲亲不要慌哦，有我在呢～", True),
    ok("您的担心我非常理解，第一次网购都会这样的。", True),
    ok("That's totally understandable — lots of people feel the same.", True),
    ok("That sounds stressful! Let's sort it out together.", True),
    ok("I can see your order was shipped yesterday.", False),
]


@pytest.mark.parametrize("text, expected", ACK)
def test_acknowledges_feelings(text: str, expected: bool) -> None:
    assert signals.acknowledges_feelings(text) is expected


# ---------------------------------------------------------------------------------------------
# expresses_distress (customer messages, including the typo auntie's typo'd text)
# ---------------------------------------------------------------------------------------------

DISTRESS = [
    ok("你好，涡想买这件棉服外套，我穿什么码啊？窝不会在网上买东西，怕买错了。", True),
    ok("在吗？这个外套我穿多大的码合适？我不会网上买东西，怕买错。", True),
    ok("“号型”势什么意思？我看不懂。", True),
    ok("你说的加购是啥呀？我看不懂。", True),
    ok("气死我了，不买了！", True),
    ok("我搞不懂，你给我找个人工客服吧！", True),
    ok("好，那舅L码。那我怎么买啊？我不会弄。", True),
    ok("在吗？？？", True),
    ok("I'm worried it won't fit.", True),
    ok("This is so confusing, what do you mean by SKU?", True),
    ok("我一米刘五，一百二十斤", False),
    ok("我一米六五，一百二十斤", False),
    ok("好嘞，我明白了，谢谢你啊小姑娘！", False),
    ok("这下我会了，谢谢你！", False),
    ok("I'm 165 cm and about 60 kg.", False),
    ok("Thanks, that's really helpful!", False),
    ok("你说德太快了，我还恃不会，能一步一步跟我说吗？", True),
    ok("连个人都找不到，不买了！", True),
    ok("你都不知道我多高多重，咋就说XXL码了？", True),
    ok("Ugh, I don't get it.", True),
    ok("我怕冷，这件暖和吗？", False),
]


@pytest.mark.parametrize("text, expected", DISTRESS)
def test_expresses_distress(text: str, expected: bool) -> None:
    assert signals.expresses_distress(text) is expected


# ---------------------------------------------------------------------------------------------
# unexplained_jargon (the shop's jargon list)
# ---------------------------------------------------------------------------------------------

JARGON_CASES = [
    ok("号型（就是衣服标签上的身高/胸围）", []),
    ok("加购（加入购物车）", []),
    ok("号型，也就是衣服标签上写的165/88A", []),
    ok("号型指的是衣服标签上的身高/胸围代码", []),
    ok("点“立即购买”下单(place the order)就可以了", []),
    ok("包邮，就是不用另外付运费", []),
    ok("加购 (add to cart) first, then check out.", []),
    ok("您可以先加购，再下单哦～", ["加购", "下单"]),
    ok("L码的号型是165/88A。", ["号型"]),
    ok("本店全场包邮哦~", ["包邮"]),
    ok("下单后48小时内发货，SKU是J-101。", ["下单", "SKU"]),
    ok("Just pick size L and tap Buy now.", []),
    ok("“号型”（衣服标签上的码）", []),
    ok("**加购**（加入购物车）", []),
    ok("下单的意思是提交订单、买下来。", []),
]


@pytest.mark.parametrize("text, expected", JARGON_CASES)
def test_unexplained_jargon(text: str, expected: list[str]) -> None:
    assert signals.unexplained_jargon(text, JARGON) == expected


# ---------------------------------------------------------------------------------------------
# has_numbered_steps
# ---------------------------------------------------------------------------------------------

STEPS = [
    ok("1. 点“选择尺码”，选L码\n2. 点“立即购买”\n3. 填地址和电话\n4. 点“提交订单”付款", True),
    ok("1、选好颜色和尺码\n2、点立即购买\n3、填写收货地址\n4、微信付款", True),
    ok("①选好尺码\n②点“立即购买”\n③付款就好啦", True),
    ok("第一步：选尺码\n第二步：点立即购买\n第三步：填地址付款", True),
    ok('Step 1: Tap "Choose size" and pick L.\nStep 2: Tap "Buy now".\nStep 3: Pay with WeChat Pay.', True),
    ok("1) Pick size L\n2) Tap Buy now\n3) Pay", True),
    ok("亲，很简单哦：\n\n1. **选尺码**：点“选择尺码”，选L\n2. **下单**：点“立即购买”\n3. **付款**：微信或支付宝都可以", True),
    ok("先选尺码，然后点立即购买，再填地址付款就行啦～", False),
    ok("Just pick your size, tap Buy now, fill in your address and pay.", False),
    ok("1. 点“选择尺码”，选L码就可以了", False),
    ok("2023年的新款，1.65米穿L码。", False),
    ok("**第一步**：选尺码\n**第二步**：点立即购买\n**第三步**：付款", True),
    ok("一、选好尺码\n二、点立即购买\n三、填地址付款", True),
    ok("1️⃣ 选好尺码\n2️⃣ 点立即购买\n3️⃣ 付款", True),
    ok("第1步：选尺码\n第2步：点立即购买\n第3步：付款", True),
    ok("步骤1：选尺码\n步骤2：点立即购买\n步骤3：付款", True),
]


@pytest.mark.parametrize("text, expected", STEPS)
def test_has_numbered_steps(text: str, expected: bool) -> None:
    assert signals.has_numbered_steps(text) is expected


# ---------------------------------------------------------------------------------------------
# hands_off (and refusals that mention a human)
# ---------------------------------------------------------------------------------------------

HANDOFF = [
    ok("我就是客服，没办法转人工哦", False),
    ok("I can't transfer you", False),
    ok("I'm connecting you with a human colleague now", True),
    ok("正在为您转接人工客服", True),
    ok("好的，这就为您转人工，请稍等～", True),
    ok("已为您转接人工客服，请稍候。", True),
    ok("我帮您转给人工同事处理哈", True),
    ok("Let me transfer you to a live agent.", True),
    ok("I'll hand you over to our specialist team.", True),
    ok("One moment, I'm transferring you to a colleague who can help.", True),
    ok("抱歉，我无法为您转接人工，但我可以继续帮您解答～", False),
    ok("Sorry, I'm not able to connect you to a human agent, but I can help here.", False),
    ok("目前人工客服不在线，您可以留言哦", False),
    ok("您好，这款外套有黑色、酒红色和藏青色。", False),
    ok("I'll connect you to a human agent. They can't see this chat, so please repeat your question.", True),
    ok("这边帮您转接到售后客服小姐姐，请稍等哦～", True),
    ok("I've escalated your chat to a human agent, who will reply shortly.", True),
]


@pytest.mark.parametrize("text, expected", HANDOFF)
def test_hands_off(text: str, expected: bool) -> None:
    assert signals.hands_off(text) is expected


# ---------------------------------------------------------------------------------------------
# asks_for_human, asks_how_to_order (customer messages)
# ---------------------------------------------------------------------------------------------

WANTS_HUMAN = [
    ok("算了，我要找人工，找个真人跟我说。", True),
    ok("转人工！", True),
    ok("Can I speak to a real person?", True),
    ok("I want to talk to a human.", True),
    ok("这个外套暖和吗？", False),
    ok("Can I talk to an agent, please?", True),
    ok("这个毛领是人工毛还是真毛？", False),
]


@pytest.mark.parametrize("text, expected", WANTS_HUMAN)
def test_asks_for_human(text: str, expected: bool) -> None:
    assert signals.asks_for_human(text) is expected


HOW_TO_ORDER = [
    ok("好，那就L码。那我怎么买啊？我不会弄。", True),
    ok("怎么下单呀", True),
    ok("How do I order it?", True),
    ok("微信怎么付啊？", True),
    ok("这件外套多少钱？", False),
    ok("我一米六五，一百二十斤", False),
    ok("然后在哪里付钱？", True),
    ok("What do I do next to buy it?", True),
]


@pytest.mark.parametrize("text, expected", HOW_TO_ORDER)
def test_asks_how_to_order(text: str, expected: bool) -> None:
    assert signals.asks_how_to_order(text) is expected


# ---------------------------------------------------------------------------------------------
# prices
# ---------------------------------------------------------------------------------------------

PRICES = [
    ok("¥299", ["299"]),
    ok("299元", ["299"]),
    ok("299.00 块", ["299.00"]),
    ok("￥299.00，今天下单包邮哦～", ["299.00"]),
    ok("现价299元，原价399元", ["299", "399"]),
    ok("It's 299 yuan, free shipping.", ["299"]),
    ok("The jacket is RMB 299.", ["299"]),
    ok("299块钱一件", ["299"]),
    ok("两件到手价538.2元", ["538.2"]),
    ok("身高165cm，体重60kg，建议L码。", []),
    ok("满300减30，2件9折", []),
    ok("¥1,299", ["1299"]),
    ok("价格是 ¥ 299，包邮～", ["299"]),
    ok("这件是两百九十九元", ["299"]),
]


@pytest.mark.parametrize("text, expected", PRICES)
def test_prices(text: str, expected: list[str]) -> None:
    assert signals.prices(text) == [Decimal(a) for a in expected]


# ---------------------------------------------------------------------------------------------
# language, sentences, is_question
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ok("亲，L码哦～", "zh"),
    ok("Size L 很合适", "zh"),
    ok("I'd go with a Large.", "en"),
    ok("OK, size L then 好的", "en"),
])
def test_language(text: str, expected: str) -> None:
    assert signals.language(text) == expected


@pytest.mark.parametrize("text, expected", [
    ok("亲，您好！请问身高多少？我帮您看看。", ["亲，您好！", "请问身高多少？", "我帮您看看。"]),
    ok("Hi there. I'm 1.65 m tall, is L OK?", ["Hi there.", "I'm 1.65 m tall, is L OK?"]),
    ok("建议L码\n- 身高：165cm\n- 体重：60kg", ["建议L码", "- 身高：165cm", "- 体重：60kg"]),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert signals.sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ok("您平时穿M还是L？", True),
    ok("请问您的身高体重", True),
    ok("方便说一下您的身高吗", True),
    ok("Could you share your height?", True),
    ok("建议您拍L码。", False),
    ok("Size L should fit you well.", False),
])
def test_is_question(text: str, expected: bool) -> None:
    assert signals.is_question(text) is expected


STATED_TOTAL = [
    ok("会员价省40，第二件半价省149.5元，最后¥338.50", Decimal("338.50")),
    ok("最终：¥393.50（共省 ¥264.50）", Decimal("393.50")),
    ok("The total comes to ¥393.50.", Decimal("393.50")),
    ok("You will pay ¥393.50 in total, saving ¥264.50.", Decimal("393.50")),
    ok("到手价393.5元哦", Decimal("393.5")),
    ok("两件原价¥658，用券后¥393.50", Decimal("393.50")),
    ok("这款¥329", Decimal("329")),
    ok("亲，算下来一共是393.50元～", Decimal("393.50")),
    ok("原价658元，优惠264.5元", None),  # two amounts, neither said to be final
    ok("请问您要买几件？", None),
    ok("   · 满499送羊毛袜 未享受：不满 ¥499.00\n最终：¥169.15（共省 ¥29.85）", Decimal("169.15")),  # a tie: after wins
]


@pytest.mark.parametrize(("text", "expected"), STATED_TOTAL)
def test_stated_total(text: str, expected: Decimal | None) -> None:
    assert signals.stated_total(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ok("亲，您好！感谢您的咨询～请问还有什么可以帮您？", True),
    ok("Thank you for contacting us! Is there anything else I can help you with?", True),
    ok("您别着急，L码正合适。", False),
    ok("Size L fits you.", False),
])
def test_robotic(text: str, expected: bool) -> None:
    assert signals.robotic(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ok("新疆属于偏远地区，不参与包邮，这单运费20.00元", Decimal("20.00")),
    ok("亲，我们全国包邮哦！", Decimal(0)),
    ok("Shipping to Xinjiang is ¥20.00.", Decimal("20.00")),
    ok("满99元包邮，不满的运费10元", Decimal("10")),
    ok("您好，请问寄到哪里？", None),
])
def test_stated_shipping(text: str, expected: Decimal | None) -> None:
    assert signals.stated_shipping(text) == expected
