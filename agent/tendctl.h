/* tendctl.h: what the subcommands of tendctl share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tend-dbus.h"
#include "tend-store.h"

G_BEGIN_DECLS

/* Exit codes, documented in tendctl --help and docs/tendctl.md. */
typedef enum
{
  TENDCTL_EXIT_OK = 0,
  TENDCTL_EXIT_FAILURE = 1,  /* anything else went wrong */
  TENDCTL_EXIT_USAGE = 2,    /* unknown command or option, bad argument */
  TENDCTL_EXIT_DATABASE = 3, /* database locked, read-only, damaged, too new or missing */
  TENDCTL_EXIT_CANCELLED = 4,/* the user declined a confirmation */
} TendctlExit;

typedef struct
{
  char *database;  /* --database PATH, or NULL for the default */
  gboolean demo;   /* --demo: the demo database */
} TendctlOptions;

/* Opens the database the options name. For reading with no explicit choice, falls back to the
 * demo database when the user has none of their own yet; @is_demo tells which was opened. */
TendStore *tendctl_open_store      (const TendctlOptions *options, TendStoreOpenFlags flags,
                                    gboolean *is_demo, GError **error);
char      *tendctl_get_store_path  (const TendctlOptions *options);
int        tendctl_report_error    (const GError *error);
int        tendctl_usage_error     (GOptionContext *context, const char *message);
gboolean   tendctl_parse           (GOptionContext *context, int *argc, char ***argv, int *status);

TendDBusAgent1 *tendctl_connect_agent    (GError **error);
int             tendctl_report_agent_error (GError *error);

int        tendctl_status          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_opt_in          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_opt_out         (const TendctlOptions *options, int argc, char **argv);
int        tendctl_connect         (const TendctlOptions *options, int argc, char **argv);
int        tendctl_disconnect      (const TendctlOptions *options, int argc, char **argv);
int        tendctl_sync            (const TendctlOptions *options, int argc, char **argv);
int        tendctl_pause           (const TendctlOptions *options, int argc, char **argv);
int        tendctl_resume          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_sharing         (const TendctlOptions *options, int argc, char **argv);
int        tendctl_import          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_week            (const TendctlOptions *options, int argc, char **argv);
int        tendctl_goal            (const TendctlOptions *options, int argc, char **argv);
int        tendctl_export          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_forget          (const TendctlOptions *options, int argc, char **argv);
int        tendctl_demo            (const TendctlOptions *options, int argc, char **argv);

G_END_DECLS
