/* replay_add_event() runs the event at once outside record/replay; replay_run_event() switches
 * on its kind, which each caller fixes. */

void no_coroutine_fn aio_poll(void *ctx, bool blocking)
{
}

void replay_event_net_run(void *opaque)
{
    aio_poll(0, true);
}

static void replay_run_event(Event *event)
{
    switch (event->event_kind) {
    case REPLAY_ASYNC_EVENT_BH_ONESHOT:
        ((QEMUBHFunc *)event->opaque)(event->opaque2);
        break;
    case REPLAY_ASYNC_EVENT_NET:
        replay_event_net_run(event->opaque);
        break;
    }
}

void replay_add_event(int kind, void *opaque, void *opaque2, uint64_t id)
{
    Event e;
    e.event_kind = kind;
    replay_run_event(&e);
}

void replay_bh_schedule_oneshot_event(AioContext *ctx, QEMUBHFunc *cb, void *opaque)
{
    if (events_enabled) {
        replay_add_event(REPLAY_ASYNC_EVENT_BH_ONESHOT, cb, opaque, 0);
    } else {
        aio_bh_schedule_oneshot(ctx, cb, opaque);
    }
}

void replay_net_packet_event(void *event)
{
    replay_add_event(REPLAY_ASYNC_EVENT_NET, event, 0, 0);
}

/* False before: a bottom-half event never runs the network handler. */
void coroutine_fn nvme_wake_free_req(void *q)
{
    replay_bh_schedule_oneshot_event(q, nvme_free_req_queue_cb, q);
}

/* True: a network event runs it. */
void coroutine_fn filter_replay_co_receive(void *event)
{
    replay_net_packet_event(event);
}
