/* tend-agent.h: the per-user agent service
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEND_AGENT_ERROR (tend_agent_error_quark ())

/**
 * TendAgentError:
 * @TEND_AGENT_ERROR_FAILED: anything else went wrong (dev.tend.Agent1.Error.Failed)
 * @TEND_AGENT_ERROR_NOT_OPTED_IN: the user has not opted in (dev.tend.Agent1.Error.NotOptedIn)
 * @TEND_AGENT_ERROR_BUSY: another sign-in is running (dev.tend.Agent1.Error.Busy)
 * @TEND_AGENT_ERROR_NOT_CONFIGURED: the provider is unknown or has no client id
 *   (dev.tend.Agent1.Error.NotConfigured)
 * @TEND_AGENT_ERROR_UNKNOWN_ACCOUNT: no such account is connected
 *   (dev.tend.Agent1.Error.UnknownAccount)
 * @TEND_AGENT_ERROR_PAUSED: collection is paused (dev.tend.Agent1.Error.Paused)
 */
typedef enum
{
  TEND_AGENT_ERROR_FAILED,
  TEND_AGENT_ERROR_NOT_OPTED_IN,
  TEND_AGENT_ERROR_BUSY,
  TEND_AGENT_ERROR_NOT_CONFIGURED,
  TEND_AGENT_ERROR_UNKNOWN_ACCOUNT,
  TEND_AGENT_ERROR_PAUSED,
} TendAgentError;

#define TEND_TYPE_AGENT (tend_agent_get_type ())

G_DECLARE_FINAL_TYPE (TendAgent, tend_agent, TEND, AGENT, GApplication)

GQuark     tend_agent_error_quark (void);
TendAgent *tend_agent_new         (void);

G_END_DECLS
