/* beforetrip report dialog: a module the widget (widget.js) loads the first
 * time a reader reports a comment or a reader review. */
export default (kit) => {
  const { d, $, t, h, call, say, errorText, button, submitButton, onSubmit, markInvalid, nextID } = kit;
  const reasons = { spam: 'reason_spam', abuse: 'reason_abuse', 'off-topic': 'reason_off_topic', other: 'reason_other' };

  // report asks why and sends POST /api/<path>/report; focus comes back to
  // the button that opened it (Esc included: the dialog's own close).
  return (opener, path) => {
    const id = nextID('report');
    const dlg = h('dialog', { class: 'bt-dialog', 'aria-labelledby': id + '-title' });
    const err = h('p', { class: 'bt-form-error', id: id + '-err', role: 'alert' });
    const submit = submitButton(t('report_send'));
    const form = h('form', { class: 'bt-dialog-form' },
      h('h2', { id: id + '-title' }, t('report_title')), err,
      h('fieldset', { class: 'bt-reasons' }, h('legend', {}, t('report_reason')),
        Object.entries(reasons).map(([r, key], i) => h('label', { class: 'bt-reason' },
          h('input', { type: 'radio', name: 'reason', value: r, required: true, checked: i === 0 }), ' ', t(key)))),
      h('p', { class: 'bt-field' }, h('label', { for: id + '-text' }, t('report_text')),
        h('textarea', { id: id + '-text', name: 'text', rows: '3', maxlength: '500' })),
      h('p', { class: 'bt-form-actions' }, submit, ' ', button('bt-button', () => dlg.close(), t('cancel'))));
    onSubmit(form, submit, async () => {
      markInvalid(form);
      err.textContent = '';
      const f = Object.fromEntries(new FormData(form));
      try {
        await call('POST', '/api/' + path + '/report', { reason: f.reason, text: f.text.trim() });
        dlg.close();
        say(t('reported'));
      } catch (ex) {
        err.textContent = errorText(ex);
        markInvalid(form, ex);
      }
    });
    dlg.addEventListener('close', () => { dlg.remove(); if (opener.isConnected) opener.focus(); });
    dlg.append(form);
    d.body.append(dlg);
    dlg.showModal();
    $('input:checked', form).focus();
  };
};
