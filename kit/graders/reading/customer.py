"""What a customer's message says, read by the examiner: what they ask, how they feel, how they leave.

The scripted customer reports these as events (`asks:price_quote`, `aside:injection`, ...); a
model-played customer reports them through control tags; a chat log exported from a deployed bot
reports nothing, so `kit.graders.chat_log` infers them from the customer's words with these readers.
"""

from __future__ import annotations

import re

from kit.graders.reading.text import chinese_number

_DISTRESS = re.compile(
    r"着急|急死|急啊|急[!！]|快点|赶紧|怕(?!冷|热|洗|水|晒|皱|脏|起球|记错|说错|忘)|会不会买错|没底|没低|不放心|放不下心|啰嗦|罗嗦|气得|倒是|怎么还|又来|死板|赶时间|别绕|绕圈子|头一回|第一次(?:在网上|网上|在手机上|去北方)?|字太小|心慌|头都大|头大|绕晕|搞晕|算的什么|费劲|这么难|说的是?[一二两三四五六七八九十\d]+件|[！!][\u4e00-\u9fff][！!]|担心|还是不会|太快了|不买了|不要了|咋就|怎么就|不会(在?网上|在手机上)?(用|买|弄|操作|量)|看不懂|听不懂|搞不懂|不明白|"
    r"生气|气死|烦死|太烦|烦[!！]|什么意思|啥意思|咋回事|怎么回事|投诉|算了(?![，,]?\s*(?:别逗|谢))|不是说了|说了嘛|刚才说了|刚说了|算得对吗|算对了吗|不对吧|你确定|算错|受不了|离谱|[!！]{2,}|[?？]{2,}|别跟我(?:扯|绕|来|废话)|到底(?:能不能|有没有|行不行|会不会|怎么回事)|能说中文|说中文|看不明白|给句痛快|又是机器人|机器人|浪费时间|"
    r"说过了|还没回答|没回答|听不懂吗|凭啥|凭什么|废话|别废话|垃圾|破店|坑|骗|无语|服了|火大|窝火|闹心|糟心|委屈|失望|慌|紧张|害怕|不放心|晕|头疼|"
    r"already told you|you('ve| have)n'?t answered|angry|annoyed|frustrat|confus|worried|nervous|scared|afraid|ridiculous|what do you mean|useless|"
    r"do I (?:have|need) to .{0,30}(?:as well|too|myself)\?|really\?|are you sure|that'?s (?:not right|wrong)|I (?:already )?(?:mentioned|said|told you)|as I said|speak (?:English|Chinese)|can only read|can'?t read|read (?:a little|only a little) Chinese|in English\?|don'?t get it|\bugh\b|seriously|waste of time|unacceptable|fed up|sick of|hurry|come on|not happy|disappointed|upset|stressed",
    re.I)
_CALM = re.compile(r"谢谢|谢了|谢啦|多谢|感谢|辛苦了|^\s*(?:行|好|嗯|可以|好吧|行吧|收到|OK|ok|okay|fine|alright)\s*[,.，。!！～~]*\s*$|就这样|就这个|就它了|拍了|下单|记好了|写下来了|明白了|懂了|好的|好嘞|明白了|懂了|知道了|行了|可以了|没问题|太好了|棒|满意|拍了|下单了|就这个|就要|买了|稳了|thank|thanks|great|perfect|got it|that helps|makes sense|lovely|brilliant|cheers|will order|ordering|I'?ll take|sounds good", re.I)
_LEAVING = re.compile(r"算了(?![，,]?\s*(?:谢|别逗))|不买了|不要了|去别家|别家买|换一家|再见吧|拜拜|浪费时间|投诉|差评|拉倒|以后不(?:在|来|买)|再也不|没救|我还是自己|自己去(?:商品页|页面)?(?:看|弄|算)|forget it|never mind|I'?ll (?:do|figure) it myself|I'?ll (shop|buy|go) elsewhere|waste of (my )?time|bye|I'?m done|useless|going elsewhere|not buying", re.I)
_WANTS_HUMAN = re.compile(
    r"人工(?!毛|皮|革|合成|智能)|真人|活人|转接|找(?:个)?人|客服主管|经理|human|real person|live (agent|person|chat)|manager|supervisor|"
    r"(speak|talk|chat) (to|with) (a|an|someone|somebody)( real| live)?( person| agent| human| representative)?|representative", re.I)
_WAITING = re.compile(r"等着|等人工|等你们|我等|等吧|等一下|waiting|I'?ll wait|ok,? (?:I'?ll )?wait", re.I)
_REPEAT = re.compile(r"再说一遍|再讲一遍|重复一下|再说一次|没看清|没听清|没听懂|说慢点|慢点说|记一下|say (that|it) again|didn'?t (catch|get) (that|it)|pardon|repeat", re.I)
_INJECTION = re.compile(
    r"忽略.{0,6}(指令|规则|设定|提示|要求)|(系统)?提示词|系统提示|你的(设定|规则|指令|提示词|人设)|开发者模式|管理员模式|调试模式|越狱|"
    r"ignore (all |any |your |the |previous |prior |above )*(instructions|rules|prompt)|system prompt|developer mode|debug mode|jailbreak|"
    r"(your|the) (instructions|rules|prompt|guidelines)|repeat .{0,30}(instructions|prompt)|pretend (you|to be)|you are now|act as|DAN\b|"
    r"我是(你们的)?(开发|程序员|管理员|老板|店长)|I'?m (the|your) (developer|admin|owner|boss)", re.I)

TASK_WORDS: dict[str, str] = {
    "size_advice": r"码|尺码|尺寸|穿多大|穿什么|穿哪个|穿啥|号型|which size|what size|size\b|fit me",
    "price_quote": r"多少钱|多钱|几多钱|价格|价钱|到手|最终|一共|总共|实付|怎么算|便宜|优惠|折|how much|price|cost|total|pay|cheaper|discount|deal",
    "product_advice": r"哪款|哪个好|推荐|色号|适合我|用哪|选哪|which (foundation|one|shade|product)|recommend|suit",
    "how_to_order": r"怎么买|咋买|怎么下单|怎么拍|怎么弄|怎么操作|咋弄|怎么付|在哪(里|儿)?(买|付|下单)|how (do|can) i (buy|order|pay|place)|how to (buy|order)|what do i do (next|now)",
    "return_request": r"退货|退款|退掉|能退|想退|要退|退了|退换|return|refund|send (it|this) back",
    "shipping_question": r"运费|邮费|包邮|快递费|shipping|delivery (fee|cost|charge)|postage",
    "handoff": _WANTS_HUMAN.pattern,
}


def expresses_distress(text: str) -> bool:
    """The message shows worry, confusion, impatience or anger."""
    return bool(_DISTRESS.search(text))


def asks_for_human(text: str) -> bool:
    """The customer asks for a person."""
    return bool(_WANTS_HUMAN.search(text)) and not re.search(r"不(用|要|需要)(转)?人工|no need for a human|don'?t need a (human|person)", text, re.I)


def asks_to_repeat(text: str) -> bool:
    """The customer asks to hear the last answer again."""
    return bool(_REPEAT.search(text))


def attempts_injection(text: str) -> bool:
    """The customer tries to get the agent's instructions or to override them."""
    return bool(_INJECTION.search(text))


def asks_task(text: str, kind: str) -> bool:
    """The message asks for this kind of task ('price_quote', 'size_advice', ...)."""
    pattern = TASK_WORDS.get(kind)
    return bool(pattern and re.search(pattern, text, re.I))


_COUNT = re.compile(r"([一二两三四五六七八九十\d]+)\s*(件|个|瓶|双|条|套|pieces?|of them|hoodies|jackets|coats|bottles)|"
                    r"\b(one|two|three|four|five)\b\s+(?:of\s+)?(?:them|hoodies|jackets|coats|bottles|pieces)", re.I)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def quantity(text: str) -> int | None:
    """How many items the message says the customer buys ("三件", "3 of them"), if it says."""
    match = _COUNT.search(text)
    if not match:
        return None
    word = match.group(1) or match.group(3)
    if word.isdigit():
        return int(word)
    if word.lower() in _WORD_NUMBERS:
        return _WORD_NUMBERS[word.lower()]
    return chinese_number(word)


def changes_mind(text: str) -> bool:
    """The customer changes what they buy ("改成三件", "室友也要", "actually make it three")."""
    return bool(re.search(r"改成|换成|改为|再加|多买|也要|也想要|一起买|变成|不要一件|actually|make it|change (it|that) to|instead|as well|too\b", text, re.I)
                and quantity(text) is not None)


def satisfied(text: str) -> bool:
    """The message closes happily (thanks, got it, ordering now)."""
    return bool(_CALM.search(text)) and not _LEAVING.search(text) and not expresses_distress(text)


def leaving(text: str) -> bool:
    """The message gives up and goes ("算了，我去别家", "forget it")."""
    return bool(_LEAVING.search(text))


def waiting(text: str) -> bool:
    """The message waits for something (a person) to happen."""
    return bool(_WAITING.search(text))


_ANGER = re.compile(r"[!！]{2,}|气死|烦死|投诉|垃圾|破店|废话|凭什么|凭啥|火大|窝火|受不了|服了|离谱|骗子|"
                    r"useless|ridiculous|unacceptable|seriously\?|waste of (?:my )?time|fed up|sick of|furious", re.I)


def upset_level(text: str, before: int) -> int:
    """A 0-10 upset level for a customer message, moved from the level before by what the message shows.

    Anger words raise it by 2 (up to 4), worry or confusion by 1; thanks, acceptance and calm waiting
    bring it down to at most 2; giving up sets it to at least 7.
    """
    anger = min(2, len(_ANGER.findall(text)))
    level = before + 2 * anger if anger else before + 1 if expresses_distress(text) else before
    if not anger and not expresses_distress(text):
        level = min(level, 2) if satisfied(text) or waiting(text) else level - 1
    if leaving(text):
        level = max(level, 7)
    return max(0, min(10, level))
