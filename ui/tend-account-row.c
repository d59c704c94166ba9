/* tend-account-row.c: a connected account in the preferences
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account-row.h"

struct _TendAccountRow
{
  AdwActionRow parent_instance;

  /* Template widgets */
  GtkProgressBar *progress_bar;
  GtkButton      *disconnect_button;

  /* Owned */
  char *provider;
  char *provider_name;
  char *account;
};

G_DEFINE_FINAL_TYPE (TendAccountRow, tend_account_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_PROVIDER,
  PROP_PROVIDER_NAME,
  PROP_ACCOUNT,
  N_PROPS
};

enum
{
  DISCONNECT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static char *
format_last_sync (gint64 last_sync)
{
  gint64 ago = MAX (0, g_get_real_time () / G_USEC_PER_SEC - last_sync);

  if (last_sync <= 0)
    return g_strdup (_ ("Not synced yet"));
  if (ago < 60)
    return g_strdup (_ ("Last synced just now"));
  if (ago < 3600)
    return g_strdup_printf (
        ngettext ("Last synced %d minute ago", "Last synced %d minutes ago", (gulong) (ago / 60)),
        (int) (ago / 60));
  if (ago < 86400)
    return g_strdup_printf (
        ngettext ("Last synced %d hour ago", "Last synced %d hours ago", (gulong) (ago / 3600)),
        (int) (ago / 3600));
  return g_strdup_printf (
      ngettext ("Last synced %d day ago", "Last synced %d days ago", (gulong) (ago / 86400)),
      (int) (ago / 86400));
}

static const char *
describe_state (const char *state)
{
  if (g_strcmp0 (state, "syncing") == 0)
    return _ ("Syncing…");
  if (g_strcmp0 (state, "waiting") == 0)
    return _ ("Waiting for the next sync");
  if (g_strcmp0 (state, "offline") == 0)
    return _ ("Offline: syncs when the network is back");
  if (g_strcmp0 (state, "paused") == 0)
    return _ ("Paused");
  if (g_strcmp0 (state, "needs-sign-in") == 0)
    return _ ("Needs you to sign in again");
  return NULL;
}

static void
disconnect_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[DISCONNECT], 0);
}

static void
tend_account_row_constructed (GObject *object)
{
  TendAccountRow  *self = TEND_ACCOUNT_ROW (object);
  g_autofree char *name = g_strdup_printf (_ ("Disconnect %s"), self->account);

  G_OBJECT_CLASS (tend_account_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->account);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), self->provider_name);
  /* The button's own text does not say which account it disconnects. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->disconnect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->disconnect_button), name);
}

static void
tend_account_row_finalize (GObject *object)
{
  TendAccountRow *self = TEND_ACCOUNT_ROW (object);

  g_free (self->provider);
  g_free (self->provider_name);
  g_free (self->account);

  G_OBJECT_CLASS (tend_account_row_parent_class)->finalize (object);
}

static void
tend_account_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendAccountRow *self = TEND_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_PROVIDER_NAME:
      g_value_set_string (value, self->provider_name);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_account_row_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  TendAccountRow *self = TEND_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      self->provider = g_value_dup_string (value);
      break;
    case PROP_PROVIDER_NAME:
      self->provider_name = g_value_dup_string (value);
      break;
    case PROP_ACCOUNT:
      self->account = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_account_row_class_init (TendAccountRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tend_account_row_constructed;
  object_class->finalize = tend_account_row_finalize;
  object_class->get_property = tend_account_row_get_property;
  object_class->set_property = tend_account_row_set_property;

  properties[PROP_PROVIDER]
      = g_param_spec_string ("provider", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER_NAME]
      = g_param_spec_string ("provider-name", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT]
      = g_param_spec_string ("account", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The person asked to disconnect the account; the preferences confirm first. */
  signals[DISCONNECT] = g_signal_new ("disconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, disconnect_button);

  gtk_widget_class_install_action (widget_class, "account.disconnect", NULL, disconnect_action);
}

static void
tend_account_row_init (TendAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_account_row_new (const char *provider, const char *provider_name, const char *account)
{
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  return g_object_new (TEND_TYPE_ACCOUNT_ROW, "provider", provider, "provider-name",
                       provider_name != NULL ? provider_name : provider, "account", account, NULL);
}

const char *
tend_account_row_get_provider (TendAccountRow *self)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT_ROW (self), NULL);

  return self->provider;
}

const char *
tend_account_row_get_provider_name (TendAccountRow *self)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT_ROW (self), NULL);

  return self->provider_name;
}

const char *
tend_account_row_get_account (TendAccountRow *self)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT_ROW (self), NULL);

  return self->account;
}

/* @details: the account's a{sv} from the agent's Accounts; @done and @total: its collections'
 * progress summed from Sources, shown while the first sync runs (@total 0 while unknown). */
void
tend_account_row_update (TendAccountRow *self, GVariant *details, guint done, guint total)
{
  g_autoptr (GString) subtitle = g_string_new (self->provider_name);
  const char *state = "idle";
  const char *last_error = "";
  gint64      last_sync = 0;
  const char *described;
  gboolean    first_sync;

  g_return_if_fail (TEND_IS_ACCOUNT_ROW (self));

  g_variant_lookup (details, "state", "&s", &state);
  g_variant_lookup (details, "last-error", "&s", &last_error);
  g_variant_lookup (details, "last-sync", "x", &last_sync);

  g_string_append (subtitle, " · ");
  first_sync = last_sync <= 0 && g_strcmp0 (state, "syncing") == 0;
  if (first_sync)
    g_string_append (subtitle, _ ("First sync…"));
  else
    {
      g_autofree char *when = format_last_sync (last_sync);

      g_string_append (subtitle, when);
      described = describe_state (state);
      if (described != NULL && g_strcmp0 (state, "idle") != 0)
        g_string_append_printf (subtitle, " · %s", described);
    }
  if (*last_error != '\0')
    g_string_append_printf (subtitle, " · %s", last_error);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), first_sync);
  if (first_sync && total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) done / total));
  else if (first_sync)
    gtk_progress_bar_pulse (self->progress_bar);
}
