"""The answer-mode switch: only the modes that can answer now are offered; a note says, in the
interface language, why the others are off. When the local model runtime is missing it can be
prepared from here (``LocalRuntime.prepare``: ``make local`` in the background) and its
progress is shown until local mode can be chosen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext, ModeState
from assistant.public import public_message
from assistant.webui.i18n import STRINGS, ZH, mode_label, t
from assistant.webui.messages import localize
from assistant.webui.render import esc, md_esc
from common.errors import PlanqaError

TICK_SECONDS = 2.0


@dataclass
class ModeControls:
    ctx: ApiContext
    lang: gr.State
    radio: gr.Radio
    note: gr.HTML | None = None
    prepare: gr.Button | None = None
    timer: gr.Timer | None = None
    _wired: list[Any] = field(default_factory=list)

    # ------------------------------------------------------------------ state → interface
    def choices(self, lang: str) -> list[tuple[str, str]]:
        return [(mode_label(lang, m), m) for m in self.ctx.services.available_modes()]

    def initial_mode(self, current: str | None = None) -> str:
        available = self.ctx.services.available_modes()
        for mode in (current, self.ctx.services.default_mode):
            if mode in available:
                return str(mode)
        return available[0]

    def _reason(self, state: ModeState, lang: str) -> str:
        status = state.runtime
        if state.reason == "off_local_building" and status is not None:
            step = t(lang, f"step_{status.step}") if f"step_{status.step}" in STRINGS[ZH] else status.step
            return t(lang, state.reason, step=step, percent=status.percent, minutes=status.minutes)
        if state.reason == "off_local_failed" and status is not None:
            return t(lang, state.reason, reason=status.reason)
        return t(lang, state.reason)

    def note_html(self, lang: str) -> str:
        parts = []
        for state in self.ctx.services.states():
            if state.available:
                continue
            text = t(lang, "mode_off", mode=mode_label(lang, state.mode), reason=self._reason(state, lang))
            bar = ""
            if state.runtime is not None and state.runtime.state == "building":
                bar = f' <progress max="100" value="{state.runtime.percent}"></progress>'
            parts.append(f'<p class="planqa-mode-off" data-mode="{esc(state.mode)}">{esc(text)}{bar}</p>')
        return "".join(parts)

    def can_prepare(self) -> bool:
        runtime = self.ctx.services.runtime
        return (runtime is not None and self.ctx.settings.local_setup != "off"
                and runtime.status().state == "missing")

    def building(self) -> bool:
        runtime = self.ctx.services.runtime
        return runtime is not None and runtime.building

    def refresh(self, lang: str, current: str | None) -> tuple[Any, ...]:
        return (
            gr.update(choices=self.choices(lang), value=self.initial_mode(current)),
            self.note_html(lang),
            gr.update(visible=self.can_prepare(), value=t(lang, "prepare_local")),
            gr.Timer(active=self.building()),
        )

    # ------------------------------------------------------------------ layout
    def render_note(self) -> None:
        """The note and the prepare button, below the row holding the switch."""
        with gr.Row():
            self.note = gr.HTML(self.note_html(self.lang.value), elem_id="planqa-mode-note")
            self.prepare = gr.Button(t(self.lang.value, "prepare_local"), visible=self.can_prepare(), size="sm", scale=0,
                                     min_width=220, elem_id="planqa-prepare-local")
        self.timer = gr.Timer(TICK_SECONDS, active=self.building())

    @property
    def outputs(self) -> list[Any]:
        return [self.radio, self.note, self.prepare, self.timer]

    # ------------------------------------------------------------------ events
    def wire(self, status: gr.Markdown) -> None:
        def on_mode(mode: str, lang: str) -> str:
            """Check a mode when it is chosen (a model that fails to load says so here)."""
            try:
                service = self.ctx.services.get(mode)
                load_model = getattr(service, "llm", None)
                if callable(load_model):
                    load_model()
            except PlanqaError as exc:
                return md_esc(t(lang, "error", msg=localize(public_message(str(exc)), lang)))
            return md_esc(t(lang, "mode_ok", mode=mode_label(lang, mode)))

        def on_prepare(lang: str, current: str) -> tuple[Any, ...]:
            assert self.ctx.services.runtime is not None
            self.ctx.services.runtime.prepare()
            return self.refresh(lang, current)

        self.radio.input(on_mode, [self.radio, self.lang], [status], api_visibility="private")
        assert self.prepare is not None and self.timer is not None
        self.prepare.click(on_prepare, [self.lang, self.radio], self.outputs, api_visibility="private")
        self.timer.tick(self.refresh, [self.lang, self.radio], self.outputs, api_visibility="private")


def build_mode_controls(ctx: ApiContext, lang: gr.State) -> ModeControls:
    available = ctx.services.available_modes()
    value = ctx.services.default_mode if ctx.services.default_mode in available else available[0]
    radio = gr.Radio([(mode_label(lang.value, m), m) for m in available], value=value, label=t(lang.value, "mode"),
                     elem_id="planqa-mode", scale=3)
    return ModeControls(ctx, lang, radio)
