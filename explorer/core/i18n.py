"""Every string the explorer shows outside the topic pages, in Chinese and English.

``tr(key, lang)`` looks a key up; the Qt layer calls it again whenever the language changes, so
switching 中文 / English needs no restart. A test checks that every key has both languages.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app.name": {"zh": "概念探索器", "en": "Concept Explorer"},
    "menu.file": {"zh": "文件(&F)", "en": "&File"},
    "menu.go": {"zh": "前往(&G)", "en": "&Go"},
    "menu.view": {"zh": "视图(&V)", "en": "&View"},
    "menu.help": {"zh": "帮助(&H)", "en": "&Help"},
    "action.quit": {"zh": "退出", "en": "Quit"},
    "action.back": {"zh": "后退", "en": "Back"},
    "action.forward": {"zh": "前进", "en": "Forward"},
    "action.previous_topic": {"zh": "上一个主题", "en": "Previous topic"},
    "action.next_topic": {"zh": "下一个主题", "en": "Next topic"},
    "action.zoom_in": {"zh": "放大", "en": "Zoom in"},
    "action.zoom_out": {"zh": "缩小", "en": "Zoom out"},
    "action.zoom_reset": {"zh": "原始大小", "en": "Actual size"},
    "action.full_screen": {"zh": "全屏", "en": "Full screen"},
    "action.copy_link": {"zh": "复制当前链接", "en": "Copy link to this view"},
    "action.about": {"zh": "关于概念探索器", "en": "About Concept Explorer"},
    "action.content_problems": {"zh": "内容问题……", "en": "Content problems…"},
    "menu.language": {"zh": "语言", "en": "Language"},
    "about.text": {
        "zh": "<h3>概念探索器 {version}</h3><p>用可以阅读的讲解和可以动手的演示学习大模型与机器学习概念。</p>"
              "<p>开源软件,使用 PySide6、pyqtgraph、NumPy 与 Python-Markdown 构建。</p>",
        "en": "<h3>Concept Explorer {version}</h3><p>Learn LLM and machine-learning concepts through "
              "explanations you can read and demos you can touch.</p>"
              "<p>Open-source software built on PySide6, pyqtgraph, NumPy and Python-Markdown.</p>",
    },
    "tree.header": {"zh": "主题", "en": "Topics"},
    "page.related": {"zh": "相关主题", "en": "Related topics"},
    "page.self_check": {"zh": "自测题", "en": "Self-check"},
    "page.show_answer": {"zh": "显示答案", "en": "Show answer"},
    "page.hide_answer": {"zh": "隐藏答案", "en": "Hide answer"},
    "page.answer": {"zh": "答案:", "en": "Answer: "},
    "page.other_language": {
        "zh": "本主题还没有中文版,下面显示的是英文原文。",
        "en": "This topic has no English page yet; the Chinese page is shown below.",
    },
    "check.check": {"zh": "检查答案", "en": "Check"},
    "check.pick": {"zh": "点一个选项作答。", "en": "Click an option to answer."},
    "check.right": {"zh": "答对了!", "en": "Right!"},
    "check.wrong": {"zh": "不对,正确答案是 {answer}。", "en": "Not quite: the right answer is {answer}."},
    "check.retry": {"zh": "再做一次", "en": "Try again"},
    "lesson.offer": {"zh": "本主题有一节 {steps} 步的课。按 Page Down 或点“开始”。",
                     "en": "This topic has a lesson of {steps} steps. Press Page Down or click Start."},
    "lesson.start": {"zh": "开始 ▶", "en": "Start ▶"},
    "lesson.next": {"zh": "下一步 ▶", "en": "Next ▶"},
    "lesson.previous": {"zh": "◀ 上一步", "en": "◀ Previous"},
    "lesson.end": {"zh": "结束课程", "en": "End lesson"},
    "lesson.step": {"zh": "第 {number}/{total} 步:{note}", "en": "Step {number} of {total}: {note}"},
    "lesson.predict": {"zh": "先预测:{question}", "en": "Predict first: {question}"},
    "lesson.held": {"zh": "预测“{choice}”成立。", "en": "The prediction “{choice}” held."},
    "lesson.missed": {"zh": "预测是“{choice}”,实际结果是“{answer}”。", "en": "The prediction was “{choice}”; what happened: “{answer}”."},
    "demo.none": {"zh": "这个主题没有交互演示。", "en": "This topic has no interactive demo."},
    "demo.unavailable": {
        "zh": "这个主题的演示“{demo}”在当前版本中还没有提供。",
        "en": "The demo “{demo}” of this topic is not available in this version.",
    },
    "demo.loading": {"zh": "正在加载演示……", "en": "Loading the demo…"},
    "demo.failed": {"zh": "演示出错:{error}", "en": "The demo failed: {error}"},
    "demo.presets": {"zh": "预设", "en": "Presets"},
    "demo.choose_preset": {"zh": "选择预设……", "en": "Choose a preset…"},
    "demo.reset": {"zh": "恢复默认", "en": "Reset"},
    "demo.play": {"zh": "▶ 播放", "en": "▶ Play"},
    "demo.pause": {"zh": "⏸ 暂停", "en": "⏸ Pause"},
    "demo.reset": {"zh": "回到开头", "en": "Reset"},
    "demo.speed": {"zh": "速度", "en": "Speed"},
    "lr.title": {"zh": "学习率演示:梯度下降", "en": "Learning-rate demo: gradient descent"},
    "lr.regime.slow": {"zh": "太慢:步数用完时还没到最低点", "en": "Too slow: not at the minimum when the steps ran out"},
    "lr.regime.converging": {"zh": "收敛:平稳地走到最低点", "en": "Converging: settles smoothly into the minimum"},
    "lr.regime.oscillating": {"zh": "振荡:来回越过最低点", "en": "Oscillating: overshoots the minimum back and forth"},
    "lr.regime.oscillating_converging": {
        "zh": "振荡但仍在收敛:每一步都越过最低点,幅度越来越小",
        "en": "Oscillating but converging: every step overshoots, by less and less",
    },
    "lr.regime.diverging": {"zh": "发散:损失越来越大", "en": "Diverging: the loss keeps growing"},
    "lr.diverged_at": {
        "zh": "发散:第 {step} 步损失超过起点的一百万倍,运行已停止",
        "en": "Diverged: at step {step} the loss exceeded a million times its start; the run stopped",
    },
    "lr.limit": {
        "zh": "η = {lr:.4g},稳定上限 2(1+μ)/λ = {limit:.4g},η 是上限的 {ratio:.0%}",
        "en": "η = {lr:.4g}; the stability limit 2(1+μ)/λ = {limit:.4g}, so η is {ratio:.0%} of it",
    },
    "lr.final": {"zh": "最终损失 {loss:.3g},共 {steps} 步", "en": "Final loss {loss:.3g} after {steps} steps"},
    "lr.no_limit": {"zh": "非凸函数没有统一的稳定上限", "en": "A non-convex function has no single stability limit"},
    "lr.axis.x": {"zh": "参数 x", "en": "parameter x"},
    "lr.axis.y": {"zh": "参数 y", "en": "parameter y"},
    "lr.axis.loss": {"zh": "损失 f", "en": "loss f"},
    "lr.axis.step": {"zh": "步数", "en": "step"},
    "lr.axis.lr": {"zh": "学习率 η", "en": "learning rate η"},
    "lr.plot.trajectory": {"zh": "下降轨迹(拖动起点)", "en": "Descent path (drag the start)"},
    "lr.plot.loss": {"zh": "损失(对数坐标)", "en": "Loss (log scale)"},
    "lr.plot.rate": {"zh": "每一步的学习率", "en": "Learning rate per step"},
    "lr.pin": {"zh": "固定本次运行", "en": "Pin run"},
    "lr.pin.tip": {"zh": "把当前运行保留为浅色虚影,便于和下一次比较", "en": "Keep this run as a faded ghost to compare with the next"},
    "lr.unpin": {"zh": "清除虚影", "en": "Clear pinned"},
    "ep.title": {"zh": "轮次演示:过拟合与早停", "en": "Epochs demo: overfitting and early stopping"},
    "ep.step": {"zh": "单步 +1 轮", "en": "Step +1 epoch"},
    "ep.progress": {"zh": "第 {epoch} / {total} 轮", "en": "Epoch {epoch} / {total}"},
    "ep.plot.loss": {"zh": "每轮的训练损失与验证损失", "en": "Training and validation loss per epoch"},
    "ep.plot.fit": {"zh": "拟合的多项式与数据", "en": "The fitted polynomial and the data"},
    "ep.axis.mse": {"zh": "均方误差 MSE(对数)", "en": "mean squared error (log)"},
    "ep.axis.epoch": {"zh": "轮次(全批次:1 轮 = 1 步)", "en": "epoch (full batch: 1 epoch = 1 step)"},
    "ep.axis.epoch_log": {"zh": "轮次 + 1(对数)", "en": "epoch + 1 (log)"},
    "ep.axis.x": {"zh": "输入 x", "en": "input x"},
    "ep.axis.y": {"zh": "输出 y", "en": "output y"},
    "ep.legend.train": {"zh": "训练损失", "en": "training loss"},
    "ep.legend.val": {"zh": "验证损失", "en": "validation loss"},
    "ep.legend.best": {"zh": "验证损失最低的一轮", "en": "best validation epoch"},
    "ep.legend.train_points": {"zh": "训练数据", "en": "training data"},
    "ep.legend.val_points": {"zh": "验证数据", "en": "validation data"},
    "ep.legend.truth": {"zh": "真实函数 sin(2πx)", "en": "true function sin(2πx)"},
    "ep.legend.fit": {"zh": "当前这一轮的模型", "en": "model at this epoch"},
    "ep.line.stop": {"zh": "早停(第 {epoch} 轮)", "en": "early stop (epoch {epoch})"},
    "ep.legend.restored": {"zh": "恢复的最佳模型", "en": "restored best model"},
    "ep.status.running": {
        "zh": "第 {epoch} 轮:目前最佳是第 {best} 轮,已经 {waited} 轮没有改善(耐心 {patience})",
        "en": "Epoch {epoch}: best so far is epoch {best}, no improvement for {waited} epochs (patience {patience})",
    },
    "ep.status.stopped_restored": {
        "zh": "第 {epoch} 轮早停:最佳是第 {best} 轮(验证损失 {val:.4f}),此后 {patience} 轮没有改善;已恢复第 {best} 轮的权重,省下 {saved} 轮",
        "en": "Stopped early at epoch {epoch}: the best was epoch {best} (validation loss {val:.4f}), with no improvement for {patience} epochs since; epoch {best}'s weights restored, {saved} epochs saved",
    },
    "ep.status.stopped": {
        "zh": "第 {epoch} 轮早停:最佳是第 {best} 轮(验证损失 {val:.4f});没有恢复最佳权重,留下的是第 {epoch} 轮的模型",
        "en": "Stopped early at epoch {epoch}: the best was epoch {best} (validation loss {val:.4f}); best weights not restored, the model is epoch {epoch}'s",
    },
    "ep.status.finished_restored": {
        "zh": "跑完 {epoch} 轮:最佳是第 {best} 轮(验证损失 {val:.4f}),已恢复那一轮的权重",
        "en": "Ran all {epoch} epochs: the best was epoch {best} (validation loss {val:.4f}); its weights restored",
    },
    "ep.status.finished": {
        "zh": "跑完 {epoch} 轮:最佳是第 {best} 轮(验证损失 {val:.4f}),留下的是最后一轮的模型",
        "en": "Ran all {epoch} epochs: the best was epoch {best} (validation loss {val:.4f}); the model is the last epoch's",
    },
    "ep.status.diverged": {
        "zh": "第 {epoch} 轮发散:η 超过了这组数据的稳定上限 1/λ_max ≈ {limit:.3g}",
        "en": "Diverged at epoch {epoch}: η is above this data's stability limit 1/λ_max ≈ {limit:.3g}",
    },
    "ep.detail": {
        "zh": "第 {epoch} 轮 · 训练 MSE {train:.4f} · 验证 MSE {val:.4f} · {params} 个参数,{n} 个训练样本",
        "en": "Epoch {epoch} · training MSE {train:.4f} · validation MSE {val:.4f} · {params} parameters, {n} training examples",
    },
    "bs.title": {"zh": "批次大小演示:小批次随机梯度下降", "en": "Batch-size demo: minibatch SGD"},
    "bs.plot.loss": {"zh": "逻辑回归的损失差距(对数坐标)", "en": "Logistic-regression loss gap (log scale)"},
    "bs.plot.noise": {"zh": "梯度噪声与批次大小(θ = 0 处)", "en": "Gradient noise vs batch size (at θ = 0)"},
    "bs.plot.scatter": {"zh": "B = {batch} 的小批次梯度 g_B(+ 为全梯度 G)", "en": "g_B at B = {batch} (+ = full G)"},
    "bs.axis.gap": {"zh": "损失差距 L(θ) − L(θ*)", "en": "loss gap L(θ) − L(θ*)"},
    "bs.axis.steps": {"zh": "更新步数(对数)", "en": "update steps (log)"},
    "bs.axis.epochs": {"zh": "轮次 = 见过的样本 / N", "en": "epochs = examples seen / N"},
    "bs.axis.time": {"zh": "模拟墙钟时间 (ms,对数)", "en": "modelled wall-clock time (ms, log)"},
    "bs.axis.batch": {"zh": "批次大小 B", "en": "batch size B"},
    "bs.axis.noise": {"zh": "‖g_B − G‖ 均方根", "en": "RMS ‖g_B − G‖"},
    "bs.axis.g1": {"zh": "梯度分量 ∂L/∂w₁", "en": "gradient ∂L/∂w₁"},
    "bs.axis.g2": {"zh": "梯度分量 ∂L/∂w₂", "en": "gradient ∂L/∂w₂"},
    "bs.legend.steps": {"zh": "B = {batch}:每轮 {steps} 步", "en": "B = {batch}: {steps} steps/epoch"},
    "bs.legend.time": {"zh": "B = {batch}:每轮 {ms:.4g} ms", "en": "B = {batch}: {ms:.4g} ms/epoch"},
    "bs.legend.diverged": {"zh": "B = {batch}:第 {step} 步发散", "en": "B = {batch}: diverged at step {step}"},
    "bs.legend.measured": {"zh": "抽样估计", "en": "sampled"},
    "bs.legend.expected": {"zh": "理论 σ/√B·√((N−B)/(N−1))", "en": "theory σ/√B·√((N−B)/(N−1))"},
    "bs.legend.plain": {"zh": "σ/√B(无限总体)", "en": "σ/√B (infinite N)"},
    "bs.zero": {"zh": "全批次:0", "en": "full batch: 0"},
    "bs.reach": {"zh": "首次达到 L − L* ≤ {target:g}:", "en": "First L − L* ≤ {target:g}:"},
    "bs.reach.steps": {"zh": "B={batch} 用 {value:.0f} 步", "en": "B={batch} in {value:.0f} steps"},
    "bs.reach.epochs": {"zh": "B={batch} 用 {value:.2f} 轮", "en": "B={batch} in {value:.2f} epochs"},
    "bs.reach.time": {"zh": "B={batch} 用 {value:.4g} ms", "en": "B={batch} in {value:.4g} ms"},
    "bs.reach.never": {"zh": "B={batch} 未达到", "en": "B={batch} not reached"},
    "bs.reach.diverged": {"zh": "B={batch} 发散", "en": "B={batch} diverged"},
    "bs.noise": {
        "zh": "B = {batch}:噪声 {measured:.3g}(理论 {expected:.3g}),是 B = 1 的 {ratio:.1%}",
        "en": "B = {batch}: noise {measured:.3g} (theory {expected:.3g}), {ratio:.1%} of B = 1",
    },
    "bs.time_model": {
        "zh": "时间模型:每步 = {overhead:g} ms 开销 + 1 ms × max(B, P)/P,P = {lanes}",
        "en": "Time model: a step = {overhead:g} ms overhead + 1 ms × max(B, P)/P, P = {lanes}",
    },
    "bs.step": {"zh": "单步 +1 轮", "en": "Step +1 epoch"},
    "bs.progress": {"zh": "第 {epoch:.1f} / {total} 轮", "en": "Epoch {epoch:.1f} / {total}"},
    "status.link_rejected": {"zh": "无法打开链接:{error}", "en": "Cannot open the link: {error}"},
    "status.opened_external": {"zh": "已在浏览器中打开:{url}", "en": "Opened in the browser: {url}"},
    "status.copied": {"zh": "已复制:{url}", "en": "Copied: {url}"},
    "problems.title": {"zh": "内容问题", "en": "Content problems"},
    "problems.summary": {
        "zh": "加载内容时发现 {errors} 个错误和 {warnings} 个警告。有错误的文件已被跳过,其余内容照常可用。",
        "en": "Loading the content found {errors} errors and {warnings} warnings. Files with errors were "
              "left out; everything else is available.",
    },
    "problems.none": {"zh": "内容没有问题。", "en": "The content has no problems."},
    "settings.reset": {
        "zh": "设置文件已损坏,已另存为 {backup},并使用默认设置。",
        "en": "The settings file was damaged; it was set aside as {backup} and defaults are used.",
    },
}


def tr(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (English if missing), with ``{name}`` fields filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def other_language(lang: str) -> str:
    return "en" if lang == "zh" else "zh"
