"""Every user-facing Chinese sentence, in one place so a worker's wording is changed once:
a module per feature (`handlers/texts/<feature>.py`), all read as `texts.NAME`.
Placeholders use str.format names.
"""

from handlers.texts.campaign import *
from handlers.texts.community import *
from handlers.texts.general import *
from handlers.texts.household import *
from handlers.texts.jielong import *
from handlers.texts.money import *
from handlers.texts.needs import *
from handlers.texts.notices import *
from handlers.texts.pictures import *
from handlers.texts.web import *
