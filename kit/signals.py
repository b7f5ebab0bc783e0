"""Reading a reply: did it ask for a fact, name a size, acknowledge feelings, use jargon, hand off?

Shared by the simulated customers (who react to what the agent said) and the graders (who
score it). The patterns cover how real assistants phrase things in Chinese and English, not
only the practice model's wording; `tests/test_signals.py` pins them on varied examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def language(text: str) -> str:
    """'zh' when Chinese characters carry the text, else 'en'."""
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk and cjk >= latin_words else "en"


# Sentence ends; a wavy dash ends a chatty clause ("感谢您的咨询～") but not a range ("S～XXL", "150~160").
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[～~])(?![\s\dA-Za-z])|(?<=\.)\s+")


def sentences(text: str) -> list[str]:
    """Split into sentences on Chinese and English end marks and line breaks."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def is_question(sentence: str) -> bool:
    """A sentence that asks something (ends with a question mark or uses a question frame)."""
    return bool(
        re.search(r"[?？]\s*$", sentence)
        or re.search(r"(请问|能否|可以告诉|方便(告诉|说|提供)|麻烦(您)?(告诉|说)|是多少|多少呢|吗[。！]?$|呢[。！]?$)", sentence)
        or re.match(r"\s*(could|can|would|may|what|how|which|do|are)\b.*", sentence, re.IGNORECASE)
        and sentence.rstrip().endswith("?")
    )


# Body measurements most shoppers cannot give off-hand: asking a novice for them overwhelms.
MEASUREMENTS = frozenset({"bust", "waist", "hips", "shoulder"})

_FACT_WORDS: dict[str, str] = {
    "height": r"身高|多高|个子|几米|多少厘米|height|how tall|tall are you",
    "weight": r"体重|多重|几斤|多少斤|多少公斤|weigh",
    "bust": r"胸围|bust|chest",
    "waist": r"腰围|waist",
    "hips": r"臀围|hips?\b",
    "shoulder": r"肩宽|shoulder",
    "usual_size": r"平时穿|平常穿|一般穿|usually wear|normally wear|usual size",
    "fit": r"宽松.*修身|修身.*宽松|喜欢.*(宽松|修身)|loose or|fitted or|prefer.*(loose|fit)",
    "phone_last4": r"手机号?.{0,6}(后四位|尾号|后4位)|尾号|后四位|last (4|four) digits|phone number",
    "order_id": r"订单号|订单编号|order (number|id|no)",
}


_REQUEST = re.compile(r"(告诉|提供|说一下|发一下|let me know|tell me|share|provide|send me|(I'?ll|I will|I'?d|I) need (your|to know))", re.I)
_THANKS = re.compile(r"\s*(感谢|谢谢|多谢|thanks|thank you)", re.I)


def asked_facts(text: str) -> frozenset[str]:
    """The facts a reply asks the customer for, by name ('height', 'weight', 'bust', ...)."""
    asked: set[str] = set()
    form = False  # inside a "请提供以下信息：" form, whose bullet lines name the facts
    for sentence in sentences(text) or [text]:
        if form and re.match(r"\s*([-*•]|\d+[.、])", sentence):
            pass
        elif _THANKS.match(sentence) and not is_question(sentence):
            form = False
            continue
        elif not is_question(sentence) and not _REQUEST.search(sentence):
            form = False
            continue
        else:
            form = bool(re.search(r"[:：]\s*$", sentence))
        for fact, pattern in _FACT_WORDS.items():
            if re.search(pattern, sentence, re.IGNORECASE):
                asked.add(fact)
    return frozenset(asked)


_SIZE_WORDS = {
    "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL", "2xl": "XXL", "xxxl": "XXXL", "3xl": "XXXL",
    "small": "S", "medium": "M", "large": "L", "extra large": "XL", "extra-large": "XL",
    "小码": "S", "中码": "M", "大码": "L", "加大码": "XL", "加加大": "XXL",
}
_LETTER = r"(?<![A-Za-z])(?-i:(XXXL|XXL|3XL|2XL|XL|XS|[SML]))(?![A-Za-z'’])"
_SIZE = re.compile(
    rf"\bsize\s+(?-i:(XXXL|XXL|3XL|2XL|XL|XS|[SML]))\b|{_LETTER}\s*(?:码|号)?"
    r"|\b(extra[ -]large|small|medium|large)\b|(加大码|加加大|小码|中码|大码)",
    re.IGNORECASE,
)
_CODE = re.compile(r"(\d{3})/(\d{2,3})[ABCY]")


_ANY = r"(?:XXXL|XXL|3XL|2XL|XL|XS|S|M|L)"
_SIZE_LIST = re.compile(
    rf"(?-i:{_ANY})(?:\s*(?:[、,，/]|\band\b|\bor\b|和|或)\s*(?-i:{_ANY})){{2,}}"
    rf"|(?-i:{_ANY})\s*(?:码|号)?\s*(?:到|至|~|～|-|—|\bto\b)\s*(?-i:{_ANY})"
)


def sizes_named(sentence: str, codes: Mapping[str, str] | None = None) -> list[str]:
    """Letter sizes named in the text, in order; `codes` maps 号型 like 165/88A to a letter."""
    found: list[tuple[int, str]] = []
    sentence = re.sub(r"[*_`]+", "", sentence)  # markdown emphasis
    for match in _SIZE.finditer(sentence):
        word = next(group for group in match.groups() if group)
        if word.upper() in {"S", "M", "L"} and not _looks_like_size(sentence, match):
            continue
        if re.search(r"\b(runs?|running|fits?|comes? up)\s+(a\s+(bit|little)\s+)?$", sentence[: match.start()], re.I):
            continue  # 'runs large': a fit remark, not a size
        found.append((match.start(), _SIZE_WORDS[word.lower()]))
    for match in _CODE.finditer(sentence):
        if codes and match.group(0) in codes:
            found.append((match.start(), codes[match.group(0)]))
    return [size for _, size in sorted(found)]


def _looks_like_size(sentence: str, match: re.Match[str]) -> bool:
    """A lone S, M or L is a size only next to size words (码, size, 穿, 选, 建议...)."""
    before = sentence[max(0, match.start() - 8) : match.start()]
    after = sentence[match.end() - 1 : match.end() + 20]
    return bool(
        re.search(r"码|号|size", match.group(0), re.I)
        or re.search(r"\b(an?|the)\s*$|go (with|for)", before, re.I)
        or re.search(r"(码|号|size|穿|选|建议|推荐|拍|买|go with|take|wear|recommend|fit|适合|合适|刚好|正好)", before + after, re.I)
    )


def recommended_size(text: str, codes: Mapping[str, str] | None = None) -> str | None:
    """The size a reply recommends: the last size in a statement, not in a question or a chart listing."""
    chosen = None
    for sentence in sentences(text):
        if is_question(sentence) or re.search(r"还是|\bor\b", sentence) and is_question(sentence):
            continue
        if sentence.lstrip().startswith("|") or _SIZE_LIST.search(sentence):  # a chart row or a list of sizes
            continue
        if chosen and _ALTERNATIVE.match(sentence):  # a whole "If you like it looser, ..." sentence
            continue
        for clause in re.split(r"[，,；;]\s*|\s+[—–-]\s+", sentence):
            if chosen and _ALTERNATIVE.search(clause):  # "if you like it looser, XL": not the pick
                continue
            if _REJECTED.search(clause):  # "M码会紧", "M would be tight"
                continue
            named = sizes_named(clause, codes)
            if named and len(set(named)) <= 2:
                chosen = named[-1]
    return chosen


_ALTERNATIVE = re.compile(r"^\s*(如果|要是|若|假如|喜欢|想要|if\b)|如果|if you (like|prefer|want)", re.I)
_REJECTED = re.compile(r"会(偏|有点|有些)?(紧|小|大|短|长)|would be (too )?(tight|snug|small|big|short)|too (tight|small|big)", re.I)


_ACK = re.compile(
    r"别着急|不要着急|不用着急|别急|别担心|不用担心|不要担心|放心|理解您|明白您|懂您|抱歉|对不起|不好意思|"
    r"让您久等|辛苦|慢慢来|您的心情|您先消消气|消消气|(能|非常|完全|特别|很)理解|别慌|不要慌|不用慌|"
    r"不难的|(一步一步|慢慢|手把手)(地)?(教|带|陪)您|我(来)?教您|"
    r"\bsorry\b|I understand|I hear you|don'?t worry|no worries|frustrat|I can see (why|how|that you|you('re| are))|apologi[sz]e|understandable|"
    r"sounds (stressful|frustrating|confusing|worrying|hard|overwhelming)|"
    r"take your time|completely understand|that must be|I get it",
    re.IGNORECASE,
)


def acknowledges_feelings(text: str) -> bool:
    """The reply names or soothes the customer's feelings."""
    return bool(_ACK.search(text))


_DISTRESS = re.compile(
    r"着急|急死|急啊|怕(?!冷|热|洗|水|晒|皱|脏|起球|记错|说错|忘)|担心|还是不会|太快了|不买了|不要了|咋就|怎么就|不会(在?网上)?(用|买|弄|操作)|看不懂|听不懂|搞不懂|不明白|生气|气死|烦死|太烦|"
    r"什么意思|啥意思|咋回事|怎么回事|投诉|算了|受不了|离谱|[!！]{2,}|[?？]{2,}|"
    r"别跟我|到底能不能|给句痛快|又是机器人|浪费时间|气死|说过了|还没回答|没回答我|听不懂吗|能说中文|凭啥|凭什么|"
    r"already told you|you('ve| have)n'?t answered|"
    r"angry|annoyed|frustrat|confus|worried|ridiculous|what do you mean|useless|don'?t get it|\bugh\b",
    re.IGNORECASE,
)


def expresses_distress(text: str) -> bool:
    """A customer message that shows worry, confusion or anger."""
    return bool(_DISTRESS.search(text))


_EXPLAINED = re.compile(r"^[”\"’'」』*_\]】\s]*(（|\(|[,，]?\s*(就是|也就是|的?意思是|即|指的?是|i\.e\.|which means|meaning))")


def unexplained_jargon(text: str, terms: Iterable[str]) -> list[str]:
    """Jargon terms the reply uses without a gloss right after them (brackets, 就是, which means)."""
    missed = []
    for term in terms:
        for match in re.finditer(re.escape(term), text):
            if not _EXPLAINED.match(text[match.end() : match.end() + 12]):
                missed.append(term)
                break
    return missed


_STEP = re.compile(
    r"^\s*(?:\*\*|__)?\s*(\d+\s*[.、)）]|\d\ufe0f?\u20e3|[①②③④⑤⑥⑦⑧⑨]|第\s*[一二三四五六七八九\d]\s*步|步骤\s*[一二三四五六七八九\d]"
    r"|[一二三四五六七八九十][、.．]|step\s*\d+\b|[-*]\s)", re.I | re.M)


def has_numbered_steps(text: str) -> bool:
    """At least two lines that start a step (1. / 1、/ ① / 第一步 / Step 1)."""
    return len(_STEP.findall(text)) >= 2


_HANDOFF = re.compile(
    r"(为您|帮您|给您|马上|立即|现在|这就)(转接?|联系|安排).{0,6}(人工|真人|同事|专员|客服)|(已|正在|马上|立即|这就|现在)(为您|给您|帮您)?转接?(到|至)?人工|"
    r"(transfer|connect|hand)(ring|ing)?\s+(you\s+)?(over\s+)?(to|with)\s+(a|an|our|one of our)?\s*"
    r"(human|live|real|colleague|specialist|person|agent|team)|"
    r"escalat\w*\s+(this|it|your \w+)\s+to\s+(a|an|our)?\s*(human|live|colleague|specialist|person|agent|team|supervisor)",
    re.IGNORECASE,
)
_REFUSE = re.compile(r"(无法|不能|没办法|没有|不支持).{0,4}(转|人工)|(can'?not|can't|unable to|not able to)\s+(transfer|connect|hand|put you through|escalate)", re.I)


_ECHO = re.compile(r"^\s*(您|你)(是)?(要|想|帮我)|你帮我|帮我转", re.I)


def hands_off(text: str) -> bool:
    """The reply hands the customer to a human (and is not a refusal, a question about it, or the customer's words echoed)."""
    if _REFUSE.search(text):
        return False
    return any(_HANDOFF.search(s) and not is_question(s) and not _ECHO.search(s) for s in sentences(text) or [text])


_WANTS_HUMAN = re.compile(r"人工(?!毛|皮|革|合成|智能)|真人|找人|活人|转接|human|real person|live agent|(speak|talk|chat) (to|with) (a|an)( real| live)? (person|agent|human|representative)|(speak|talk) to (someone|somebody) real", re.I)


def asks_for_human(text: str) -> bool:
    """A customer message asking for a human agent."""
    return bool(_WANTS_HUMAN.search(text))


_AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_PRICE = re.compile(rf"(?:¥|￥|RMB|CNY)\s*{_AMOUNT}|{_AMOUNT}\s*(?:元|块钱|块|yuan|RMB)|([零一二两三四五六七八九十百千万]+)\s*(?:元|块钱|块)", re.I)


def _amounts(text: str) -> list[tuple[int, int, Decimal]]:
    """Each money amount with where it stands in the text: (start, end, yuan)."""
    found = []
    for match in _PRICE.finditer(text):
        arabic, after, chinese = match.groups()
        if chinese:
            import cn2an

            try:
                amount = Decimal(int(cn2an.cn2an(chinese, "normal")))
            except ValueError:  # "百元以内", "上万元": a size of amount, not an amount
                continue
        else:
            amount = Decimal((arabic or after).replace(",", ""))
        found.append((match.start(), match.end(), amount))
    return found


def prices(text: str) -> list[Decimal]:
    """Every money amount stated in the reply, in yuan."""
    return [amount for _, _, amount in _amounts(text)]


_HOW_TO_ORDER = re.compile(
    r"怎么买|咋买|怎么下单|怎么弄|怎么操作|咋弄|怎么付|(在|去)哪(里|儿)?(买|付|下单)|how (do|can) i (buy|order|pay)|how to (buy|order)|what do i do (next|now)|where do i (pay|buy|order)", re.I
)


def asks_how_to_order(text: str) -> bool:
    """A customer message asking how to buy."""
    return bool(_HOW_TO_ORDER.search(text))


# Words that announce the final price. Most come before it (到手价¥249, total: ¥249); a few come
# after it (¥249 in total).
_FINAL_BEFORE = re.compile(
    r"最终|到手|实付|一共|总共|合计|总价|最后|共计|券后|折后|only pay|you(?:'ll| will)? pay|final|(?<!in )total|comes to", re.I
)
_FINAL_AFTER = re.compile(r"in total|altogether|in all", re.I)
_NEAR = 40  # characters between a "final" word and its amount ("Final price for one coat with your coupon: ¥399")


def stated_total(text: str) -> Decimal | None:
    """The final price a reply states: the amount next to 最终/到手/total…; a lone amount otherwise."""
    amounts = _amounts(text)
    found: list[tuple[int, Decimal]] = []  # (where the final word is, the amount it announces)
    for word in _FINAL_BEFORE.finditer(text):
        after = [a for a in amounts if 0 <= a[0] - word.end() <= _NEAR]
        if after:
            found.append((word.start(), after[0][2]))
    for word in _FINAL_AFTER.finditer(text):
        before = [a for a in amounts if 0 <= word.start() - a[1] <= _NEAR]
        if before:
            found.append((word.start(), before[-1][2]))
    if found:
        return max(found, key=lambda pair: pair[0])[1]  # the last announcement in the reply
    if len({price for _, _, price in amounts}) == 1:
        return amounts[0][2]
    return None


_IMPATIENT = re.compile(
    r"已经说过|刚才(已经)?说过?了|上面(已经)?说过?了|前面(已经)?说过|不是说了吗|as I (said|mentioned)|I already (told|said)", re.I
)


def impatient(text: str) -> bool:
    """A reply that reproaches the customer for asking again ("as I said", 我刚才说了)."""
    return bool(_IMPATIENT.search(text))


_RETURN_YES = re.compile(r"可以(申请)?退|能退|支持(七天|7天)?无理由|可以办理退|帮您(申请|办理)?退|can (be )?return|you can send it back|eligible for (a )?return", re.I)
_RETURN_NO = re.compile(r"不能(无理由)?退|无法(无理由)?退|不支持(无理由)?退|不可以退|超过.{0,8}(7|七)天|已过.{0,8}(期限|7天|七天)|"
                        r"(can'?not|can't|not) (be )?return|no longer (be )?return|past the (7|seven)[- ]day", re.I)


def return_verdict(text: str) -> bool | None:
    """Whether a reply says the item can be returned (True), cannot (False), or does not say (None)."""
    no, yes = bool(_RETURN_NO.search(text)), bool(_RETURN_YES.search(text))
    if no:
        return False
    return True if yes else None


def products_named(text: str, shop: object) -> list[str]:
    """SKUs of the catalogue's products a reply names (by SKU or Chinese or English name), in order."""
    found = []
    for product in shop.products:  # type: ignore[attr-defined]
        spots = [text.find(word) for word in (product.sku, product.name.zh, product.name.en) if word in text]
        if spots:
            found.append((min(spots), product.sku))
    return [sku for _, sku in sorted(found)]


_ROBOTIC = re.compile(
    r"感谢您的(咨询|耐心等待|来访)|请问还有什么可以帮(您|到您)|很高兴为您服务|祝您购物愉快|欢迎随时咨询|"
    r"thank you for contacting us|is there anything else I can help|have a (nice|great) day", re.I
)


_SAY_AGAIN = re.compile(
    r"再说一遍|再讲一遍|没看清|没听清|没听懂|说慢点|say (that|it) again|didn'?t (catch|get) (that|it)|pardon|repeat that", re.I
)


def asks_to_repeat(text: str) -> bool:
    """A customer message asking to hear the last answer again (再说一遍, didn't catch that)."""
    return bool(_SAY_AGAIN.search(text))


def robotic(text: str) -> bool:
    """Canned customer-service phrasing ("感谢您的咨询", "is there anything else…") that reads as a machine."""
    return bool(_ROBOTIC.search(text))


_SHIPPING = re.compile(r"运费|邮费|shipping|delivery (fee|costs?)|postage", re.I)


def stated_shipping(text: str) -> Decimal | None:
    """The shipping fee a reply states: the amount nearest after 运费/shipping; 0 for 包邮/free shipping alone."""
    amounts = _amounts(text)
    for word in _SHIPPING.finditer(text):
        after = [a for a in amounts if 0 <= a[0] - word.end() <= 25]
        if after:
            return after[0][2]
    if re.search(r"包邮|免运费|free shipping|ships free", text, re.I) and not re.search(r"不(参与)?包邮|never ships free", text, re.I):
        return Decimal(0)
    return None


def reading_length(text: str) -> int:
    """How long a reply reads: characters for Chinese, words counted double for English."""
    return len(text) if language(text) == "zh" else 2 * len(text.split())


def longest_sentence(text: str) -> int:
    """Length in characters of the longest sentence (Chinese) or words x 2 (English)."""
    lengths = [len(s) if language(s) == "zh" else 2 * len(s.split()) for s in sentences(text)]
    return max(lengths, default=0)
