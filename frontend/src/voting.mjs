// Conversations: keyboard voting and focus after an htmx vote.
// Progressive enhancement: without this file every vote is a plain form POST.
//
// A, D and P press the Agree, Disagree and Pass buttons, unless focus is in a
// text field (so typing a statement never votes). After htmx swaps in the next
// statement, focus moves to it, so keyboard and screen-reader users continue
// from the new statement rather than from the top of the page.
//
// A key pressed while a vote is on its way, or before htmx has wired up the
// next statement's form, is kept and sent once the new statement has settled:
// clicking the new button too early would bypass htmx (or be dropped), and a
// quick voter would lose a vote without noticing.

const KEYS = { a: "agree", d: "disagree", p: "pass" };

let busy = false;
let pendingVote = null;

function isTyping(element) {
  if (!element) return false;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
}

function press(vote) {
  const button = document.querySelector(`#voting-area button[data-vote="${vote}"]`);
  if (!button || button.disabled) return;
  button.click();
}

const help = document.getElementById("voting-keys-help");
if (help) help.hidden = false;

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (isTyping(event.target)) return;
  const vote = KEYS[event.key.toLowerCase()];
  if (!vote) return;
  event.preventDefault();
  if (busy) {
    pendingVote = vote; // one vote per statement: the last key pressed wins
    return;
  }
  press(vote);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.target && event.target.closest("#voting-area")) busy = true;
});

function settled() {
  busy = false;
  if (pendingVote) {
    const vote = pendingVote;
    pendingVote = null;
    press(vote);
  }
}

document.addEventListener("htmx:afterSettle", (event) => {
  if (!event.target || event.target.id !== "voting-area") return;
  const statement = document.getElementById("statement");
  if (statement) statement.focus();
  settled();
});

// A failed request (network, 429 limit) must not leave the keys stuck.
for (const name of ["htmx:responseError", "htmx:sendError", "htmx:swapError"]) {
  document.addEventListener(name, () => {
    busy = false;
    pendingVote = null;
  });
}
