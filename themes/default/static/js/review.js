/* beforetrip reader review form: a module the widget (widget.js) loads on
 * pages that have a review form, so other pages never pay for it. It gets
 * the widget's helpers (kit) instead of copies of them. */
export default (kit) => {
  const { d, $, t, h, call, say, errorText, button, submitButton, onSubmit, markInvalid, openDialog, loginPrompt, enc, nextID, onUser, me } = kit;

  function reviewForm(country, box) {
    const id = nextID('review');
    const err = h('p', { class: 'bt-form-error', id: id + '-err', role: 'alert' });
    const stars = [1, 2, 3, 4, 5].map((n) => h('label', null,
      h('input', { type: 'radio', name: 'rating', value: String(n), required: true, class: 'visually-hidden', 'aria-label': t('rating_n', { n }) })));
    const submit = submitButton(t('post_review'));
    const form = h('form', { class: 'bt-review' }, err,
      h('p', { class: 'bt-field' }, h('label', { for: id + '-title' }, t('title')),
        h('input', { id: id + '-title', name: 'title', type: 'text', maxlength: '120', required: true })),
      h('fieldset', { class: 'bt-rating' }, h('legend', {}, t('rating')), stars),
      h('p', { class: 'bt-field' }, h('label', { for: id + '-body' }, t('review_body')),
        h('textarea', { id: id + '-body', name: 'body', rows: '8', maxlength: '20000', required: true, 'aria-describedby': id + '-hint' })),
      h('p', { class: 'bt-form-hint', id: id + '-hint' }, t('markdown_hint')),
      h('p', { class: 'bt-form-actions' }, submit));
    onSubmit(form, submit, async () => {
      const f = Object.fromEntries(new FormData(form));
      markInvalid(form);
      err.textContent = '';
      try {
        const r = await call('POST', '/api/reviews', { country, title: f.title.trim(), rating: Number(f.rating), body: f.body.trim() });
        const wait = r.review.pending; // reviews.moderation: pre
        const done = h('p', { class: 'bt-review-done', tabindex: '-1' }, t(wait ? 'review_pending' : 'review_posted'), ' ',
          !wait && h('a', { href: '/countries/' + enc(country) + '/reviews/u-' + r.review.id + '/' }, t('review_link')));
        box.replaceChildren(done, h('p', {}, button('bt-button',
          () => { box.replaceChildren(reviewForm(country, box)); $('input', box).focus(); }, t('review_another'))));
        done.focus();
        say(t(wait ? 'review_pending' : 'review_posted'));
      } catch (ex) {
        err.textContent = ex.status === 401 ? t('login_required') : errorText(ex);
        markInvalid(form, ex);
        if (ex.status === 401) openDialog('login');
      }
    });
    return form;
  }

  function initReviewForm(sec) {
    const box = $('.bt-review-form-body', sec);
    const country = sec.getAttribute('data-country');
    if (!box || !country) return;
    sec.hidden = false; // hidden in the HTML: without JS there is no form
    const render = () => box.replaceChildren(me()
      ? reviewForm(country, box)
      : loginPrompt('login_to_review', () => $('input', box)?.focus()));
    onUser.push(render);
    render();
  }

  for (const sec of d.querySelectorAll('.bt-review-form')) initReviewForm(sec);
};
