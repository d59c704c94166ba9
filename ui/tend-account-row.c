/* tend-account-row.c: a connected account in the preferences
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account-row.h"
#include "tend-agent-util.h"

struct _TendAccountRow
{
  AdwActionRow parent_instance;

  /* Template widgets */
  GtkProgressBar *progress_bar;
  GtkSpinner     *spinner;
  GtkButton      *sign_in_button;
  GtkButton      *disconnect_button;

  /* Owned */
  char     *provider;
  char     *provider_name;
  char     *account;
  GVariant *details;
  /* How the last sign-in from this row went, until the next one. */
  char   *note;
  guint64 done;
  guint64 total;
  guint   signing_in : 1;
  guint   note_is_error : 1;
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
  SIGN_IN,
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
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d minute ago",
                                         "Last synced %d minutes ago", (gulong) (ago / 60)),
                            (int) (ago / 60));
  if (ago < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d hour ago",
                                         "Last synced %d hours ago", (gulong) (ago / 3600)),
                            (int) (ago / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d day ago",
                                       "Last synced %d days ago", (gulong) (ago / 86400)),
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
  if (g_strcmp0 (state, "error") == 0)
    return _ ("The last sync failed");
  return NULL;
}

static void
disconnect_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[DISCONNECT], 0);
}

static void
sign_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SIGN_IN], 0);
}

static void
tend_account_row_constructed (GObject *object)
{
  TendAccountRow  *self = TEND_ACCOUNT_ROW (object);
  g_autofree char *name = g_strdup_printf (_ ("Disconnect %s"), self->account);
  g_autofree char *progress = g_strdup_printf (_ ("First sync of %s"), self->account);
  g_autofree char *sign_in = g_strdup_printf (_ ("Sign in to %s again"), self->account);
  g_autofree char *signing_in = g_strdup_printf (_ ("Signing in to %s"), self->account);

  G_OBJECT_CLASS (tend_account_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->account);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), self->provider_name);
  /* The button's own text does not say which account it disconnects. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->disconnect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->disconnect_button), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, progress, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sign_in_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sign_in, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sign_in_button), sign_in);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  signing_in, -1);
}

static void
tend_account_row_finalize (GObject *object)
{
  TendAccountRow *self = TEND_ACCOUNT_ROW (object);

  g_free (self->provider);
  g_free (self->provider_name);
  g_free (self->account);
  g_free (self->note);
  g_clear_pointer (&self->details, g_variant_unref);

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
  /* The person asked to sign in to the account again, which the agent needs. */
  signals[SIGN_IN] = g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TendAccountRow, disconnect_button);

  gtk_widget_class_install_action (widget_class, "account.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "account.sign-in", NULL, sign_in_action);
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

static void
show_details (TendAccountRow *self)
{
  g_autoptr (GString) subtitle = g_string_new (self->provider_name);
  const char *state = "idle";
  const char *last_error = "";
  gint64      last_sync = 0;
  const char *described;
  gboolean    first_sync;
  gboolean    needs_sign_in;

  if (self->details != NULL)
    {
      g_variant_lookup (self->details, "state", "&s", &state);
      g_variant_lookup (self->details, "last-error", "&s", &last_error);
      g_variant_lookup (self->details, "last-sync", "x", &last_sync);
    }

  g_string_append (subtitle, " · ");
  first_sync = self->details != NULL && tend_agent_account_in_first_sync (self->details);
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
  if (self->note != NULL)
    g_string_append_printf (subtitle, " · %s", self->note);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);
  if (self->note != NULL && self->note_is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), first_sync);
  if (first_sync && self->total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   MIN (1.0, (double) self->done / self->total));
  else if (first_sync)
    gtk_progress_bar_pulse (self->progress_bar);

  /* Signing in again is the one way out of that state; it stays while the sign-in runs. */
  needs_sign_in = g_strcmp0 (state, "needs-sign-in") == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), needs_sign_in || self->signing_in);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !self->signing_in);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->signing_in);
  gtk_spinner_set_spinning (self->spinner, self->signing_in);
}

/* @details: the account's a{sv} from the agent's Accounts; @done and @total: its collections'
 * progress summed from Sources, shown while the first sync runs (@total 0 while unknown). */
void
tend_account_row_update (TendAccountRow *self, GVariant *details, guint64 done, guint64 total)
{
  g_return_if_fail (TEND_IS_ACCOUNT_ROW (self));
  g_return_if_fail (details != NULL);

  g_clear_pointer (&self->details, g_variant_unref);
  self->details = g_variant_ref (details);
  self->done = done;
  self->total = total;
  show_details (self);
}

/* Whether a sign-in to this account, asked for from this row, is under way. */
void
tend_account_row_set_signing_in (TendAccountRow *self, gboolean signing_in)
{
  g_return_if_fail (TEND_IS_ACCOUNT_ROW (self));

  if (self->signing_in == !!signing_in)
    return;
  self->signing_in = !!signing_in;
  show_details (self);
}

/* @note: how the sign-in asked for from this row goes, or %NULL once there is nothing to say. */
void
tend_account_row_set_note (TendAccountRow *self, const char *note, gboolean is_error)
{
  g_return_if_fail (TEND_IS_ACCOUNT_ROW (self));

  g_free (self->note);
  self->note = g_strdup (note);
  self->note_is_error = note != NULL && is_error;
  show_details (self);
}
