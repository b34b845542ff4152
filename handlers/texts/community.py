"""Texts of a community's set-up (绑定, 本群属于, new groups, the roster) and the worker-page link."""

from __future__ import annotations

ADMIN_LINK = "工作台登录链接（{minutes}分钟内有效，只能用一次，请勿转发）：\n{link}"

ADMIN_LINK_PRIVATE_ONLY = "为了安全，工作台链接不在群里发送。请私聊我发送“后台”。"

ADMIN_LINK_UNAVAILABLE = "工作台登录链接暂时无法生成，请联系管理员。"

BIND_DONE = "绑定成功：您现在是「{community}」的{role}（{channel}）。发送“帮助”看工作人员命令，发送“后台”登录工作台。"

BIND_UNKNOWN = "绑定码不对。请核对管理员给您的绑定码（8位字母数字），再发送：绑定 绑定码"

BIND_EXPIRED = "这个绑定码已过期，请让管理员重新生成一个。"

BIND_USED = "这个绑定码已经用过了，每个码只能用一次。请让管理员重新生成一个。"

BIND_LOCKED = "尝试次数太多，请一小时后再试。"

BIND_OTHER_COMMUNITY = (
    "您已是「{community}」的工作人员，一个账号只服务一个社区。如需调换，请联系管理员。"
)

BIND_ALREADY = "您已经是「{community}」的{role}了，不用再绑定。"

BIND_USAGE = "绑定格式：绑定 绑定码，例如“绑定 K7QM-3XPA”。绑定码由社区管理员生成。"

BIND_IN_GROUP = "绑定码请私聊发给我，不要发在群里。"

BIND_IN_GROUP_REVOKED = (
    "绑定码请私聊发给我。这个码已发在群里，为安全起见已作废，请让管理员重新生成。"
)

ROLE_LABELS = {"worker": "工作人员", "admin": "管理员", "resident": "居民"}

CHANNEL_LABELS = {
    "mp": "公众号",
    "wecom_app": "企业微信应用",
    "wecom_robot": "企业微信群机器人",
    "bridge": "中继",
    "sim": "模拟器",
    "web": "工作台",
}

ASSIGN_USAGE = "格式：本群属于 社区名称，例如“本群属于 和平里社区”。"

ASSIGN_PRIVATE = "请在要归属的群里发送“本群属于 社区名称”。"

ASSIGN_DONE = "好的，本群已归属「{community}」。之前在本群收到的{count}条消息已一并计入。"

ASSIGN_ALREADY = "本群已经属于「{community}」。"

ASSIGN_UNKNOWN = "没有叫“{name}”的社区。现有社区：{names}"

ASSIGN_NO_COMMUNITIES = "还没有任何社区，请管理员先添加社区（python -m bot community add 名称）。"

ASSIGN_NOT_YOURS = "您不是「{community}」的工作人员，不能把群归到这个社区。"

ASSIGN_TAKEN = "本群已属于「{current}」，只有管理员能改为「{community}」。"

GROUP_UNASSIGNED = "新群「{chat}」（{channel}）开始和我说话了，还没有归属社区。群里的消息都已保存；请在群里发送“本群属于 社区名称”，或在工作台“社区”页归属。"
