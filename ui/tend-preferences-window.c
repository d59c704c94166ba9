/* tend-preferences-window.c: schedule, accounts, data and sharing
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account-row.h"
#include "tend-agent-util.h"
#include "tend-consent-dialog.h"
#include "tend-export.h"
#include "tend-preferences-window.h"
#include "tend-settings.h"
#include "tend-store.h"
#include "tend-working-hours-row.h"

struct _TendPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *working_hours_group;
  AdwActionRow        *time_zone_row;
  AdwActionRow        *focus_row;
  GtkSpinButton       *focus_spin;
  AdwPreferencesGroup *accounts_group;
  AdwActionRow        *no_accounts_row;
  AdwPreferencesGroup *connect_group;
  AdwActionRow        *sync_interval_row;
  GtkSpinButton       *sync_interval_spin;
  AdwActionRow        *pause_row;
  GtkSwitch           *pause_switch;
  AdwActionRow        *sharing_row;
  GtkSwitch           *sharing_switch;
  GtkWidget           *zone_page;
  GtkSearchEntry      *zone_search;
  GtkListBox          *zone_list;

  /* Owned */
  TendDBusAgent1 *agent;
  GSettings      *settings;
  GCancellable   *cancellable;
  /* "provider\naccount" → TendAccountRow, and provider id → its Connect row (both borrowed). */
  GHashTable *account_rows;
  GHashTable *provider_rows;
  /* The provider whose sign-in is under way, and the account it signs in again, if it does. */
  char *connecting;
  char *reconnecting;

  /* Borrowed */
  TendWorkingHoursRow *days[8];
  GtkWidget           *consent_dialog;

  /* Redraws the accounts' "Last synced … ago", which nothing else changes as time goes by. */
  guint clock;
  /* Set while the window shows what the agent or the settings say, not what a person did. */
  guint updating : 1;
  guint zones_loading : 1;
  guint zones_loaded : 1;
};

G_DEFINE_FINAL_TYPE (TendPreferencesWindow, tend_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* A toast's title is markup; what it says comes from file names and the agent. */
static void
toast (TendPreferencesWindow *self, const char *title)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

static void toast_printf (TendPreferencesWindow *self, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

static void
toast_printf (TendPreferencesWindow *self, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  toast (self, message);
}

static char *
account_key (const char *provider, const char *account)
{
  return g_strconcat (provider, "\n", account, NULL);
}

static const char *
provider_name (TendPreferencesWindow *self, const char *provider)
{
  g_autoptr (GVariantIter) iter = NULL;
  GVariant   *providers = tend_dbus_agent1_get_providers (self->agent);
  const char *id;
  const char *name;
  gboolean    configured;

  if (providers == NULL)
    return provider;
  g_variant_get (providers, "a(ssb)", &iter);
  while (g_variant_iter_next (iter, "(&s&sb)", &id, &name, &configured))
    {
      if (g_strcmp0 (id, provider) == 0)
        return tend_provider_display_name (id, name);
    }
  return provider;
}

/* Schedule */

static void
load_working_hours (TendPreferencesWindow *self)
{
  g_autoptr (GVariant) hours = NULL;
  g_autoptr (GVariantIter) iter = NULL;
  gboolean working[8] = { FALSE };
  guint16  start[8];
  guint16  end[8];
  guint8   day;
  guint16  from;
  guint16  to;

  for (guint i = 1; i <= 7; i++)
    {
      start[i] = 9 * 60;
      end[i] = 17 * 60;
    }
  hours = g_settings_get_value (self->settings, "working-hours");
  g_variant_get (hours, "a(yqq)", &iter);
  while (g_variant_iter_next (iter, "(yqq)", &day, &from, &to))
    {
      if (day < 1 || day > 7)
        continue;
      working[day] = TRUE;
      start[day] = from;
      end[day] = to;
    }
  for (guint i = 1; i <= 7; i++)
    tend_working_hours_row_set_hours (self->days[i], working[i], start[i], end[i]);
}

/* Written only when every day is valid, so that the agent never reckons with a day that ends
 * before it starts; the row says what is wrong meanwhile. */
static void
working_hours_changed_cb (TendWorkingHoursRow *row, TendPreferencesWindow *self)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(yqq)"));

  for (guint i = 1; i <= 7; i++)
    {
      if (!tend_working_hours_row_is_valid (self->days[i]))
        return;
    }
  for (guint i = 1; i <= 7; i++)
    {
      if (!tend_working_hours_row_get_working (self->days[i]))
        continue;
      g_variant_builder_add (&builder, "(yqq)", (guint8) i,
                             (guint16) tend_working_hours_row_get_start (self->days[i]),
                             (guint16) tend_working_hours_row_get_end (self->days[i]));
    }
  self->updating = TRUE;
  g_settings_set_value (self->settings, "working-hours", g_variant_builder_end (&builder));
  self->updating = FALSE;
}

static void
update_time_zone_row (TendPreferencesWindow *self)
{
  g_autofree char *identifier = NULL;
  g_autofree char *subtitle = NULL;

  if (self->settings != NULL)
    identifier = g_settings_get_string (self->settings, "time-zone");
  if (identifier == NULL || *identifier == '\0')
    {
      g_autoptr (GTimeZone) local = g_time_zone_new_local ();

      /* Translators: the time zone that follows the computer's, e.g. "System (Europe/Paris)". */
      subtitle = g_strdup_printf (_ ("System (%s)"), g_time_zone_get_identifier (local));
    }
  else
    subtitle = g_strdup (identifier);
  adw_action_row_set_subtitle (self->time_zone_row, subtitle);
}

static void
settings_changed_cb (GSettings *settings, const char *key, TendPreferencesWindow *self)
{
  if (g_strcmp0 (key, "working-hours") == 0 && !self->updating)
    load_working_hours (self);
  else if (g_strcmp0 (key, "time-zone") == 0)
    update_time_zone_row (self);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The zones people live in, from the system's tz database: zone1970.tab names one zone for each
 * region whose clocks agreed since 1970. */
static void
load_zones_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) zones = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &contents, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = NULL;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 4);
      if (g_strv_length (fields) >= 3)
        g_ptr_array_add (zones, g_strdup (fields[2]));
    }
  g_ptr_array_add (zones, g_strdup ("UTC"));
  g_ptr_array_sort (zones, compare_strings);
  g_ptr_array_add (zones, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (zones, NULL), (GDestroyNotify) g_strfreev);
}

static GtkWidget *
zone_row_new (const char *identifier, const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "tend-zone", g_strdup (identifier), g_free);
  return row;
}

static void
load_zones_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (object);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) zones = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autofree char *system = NULL;

  /* Listed only once it worked: the next visit tries again after a failure. */
  self->zones_loading = FALSE;
  if (zones == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_printf (self, _ ("Could not list time zones: %s"), error->message);
      return;
    }
  self->zones_loaded = TRUE;
  system = g_strdup_printf (_ ("System (%s)"), g_time_zone_get_identifier (local));
  gtk_list_box_append (self->zone_list, zone_row_new ("", system));
  for (guint i = 0; zones[i] != NULL; i++)
    {
      g_autofree char *title = g_strdelimit (g_strdup (zones[i]), "_", ' ');

      gtk_list_box_append (self->zone_list, zone_row_new (zones[i], title));
    }
}

static gboolean
zone_filter_func (GtkListBoxRow *row, gpointer user_data)
{
  TendPreferencesWindow *self = user_data;
  const char            *search = gtk_editable_get_text (GTK_EDITABLE (self->zone_search));
  g_autofree char       *needle = NULL;
  g_autofree char       *haystack = NULL;

  if (*search == '\0')
    return TRUE;
  needle = g_utf8_casefold (search, -1);
  haystack = g_utf8_casefold (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1);
  return strstr (haystack, needle) != NULL;
}

static void
zone_search_changed_cb (TendPreferencesWindow *self, GtkSearchEntry *entry)
{
  gtk_list_box_invalidate_filter (self->zone_list);
}

static void
zone_row_activated_cb (TendPreferencesWindow *self, GtkListBoxRow *row, GtkListBox *list)
{
  const char *identifier = g_object_get_data (G_OBJECT (row), "tend-zone");

  g_settings_set_string (self->settings, "time-zone", identifier);
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
zone_back_clicked_cb (TendPreferencesWindow *self, GtkButton *button)
{
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
time_zone_row_activated_cb (TendPreferencesWindow *self, AdwActionRow *row)
{
  if (!self->zones_loaded && !self->zones_loading)
    {
      g_autoptr (GTask) task = g_task_new (self, self->cancellable, load_zones_cb, NULL);

      self->zones_loading = TRUE;
      g_task_set_source_tag (task, time_zone_row_activated_cb);
      g_task_run_in_thread (task, load_zones_thread);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->zone_search), "");
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->zone_page);
  gtk_widget_grab_focus (GTK_WIDGET (self->zone_search));
}

/* Accounts */

static void
disconnect_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tend_dbus_agent1_call_disconnect_account_finish (TEND_DBUS_AGENT1 (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *described = tend_agent_error_describe (error);

      toast_printf (self, _ ("Could not disconnect: %s"), described);
    }
}

static void
disconnect_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (user_data);
  TendAccountRow        *row = g_object_get_data (G_OBJECT (dialog), "tend-account-row");

  if (g_strcmp0 (response, "disconnect") != 0 || self->agent == NULL)
    return;
  tend_dbus_agent1_call_disconnect_account (self->agent, tend_account_row_get_provider (row),
                                            tend_account_row_get_account (row), self->cancellable,
                                            disconnect_cb, g_object_ref (self));
}

static void
account_disconnect_cb (TendAccountRow *row, TendPreferencesWindow *self)
{
  g_autofree char *heading
      = g_strdup_printf (_ ("Disconnect %s?"), tend_account_row_get_account (row));
  g_autofree char *body = NULL;
  GtkWidget       *dialog;

  body = g_strdup_printf (
      _ ("What stays: everything already synced from this account, in Tend’s database and in "
         "your figures.\n\nWhat goes: Tend’s sign-in to this account. Tend revokes its tokens "
         "where %s allows it and removes them from your keyring; nothing more is collected from "
         "this account."),
      tend_account_row_get_provider_name (row));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "disconnect", _ ("_Disconnect"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "tend-account-row", g_object_ref (row),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (disconnect_response_cb), self,
                           G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void account_sign_in_cb (TendAccountRow *row, TendPreferencesWindow *self);

static void
sync_accounts (TendPreferencesWindow *self)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GVariant *accounts = self->agent != NULL ? tend_dbus_agent1_get_accounts (self->agent) : NULL;
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  if (accounts != NULL)
    {
      g_autoptr (GVariantIter) accounts_iter = NULL;
      const char *provider;
      const char *account;
      GVariant   *details;

      g_variant_get (accounts, "a(ssa{sv})", &accounts_iter);
      while (g_variant_iter_next (accounts_iter, "(&s&s@a{sv})", &provider, &account, &details))
        {
          g_autofree char *row_key = account_key (provider, account);
          TendAccountRow  *row = g_hash_table_lookup (self->account_rows, row_key);
          guint64          done;
          guint64          total;

          if (row == NULL)
            {
              row = TEND_ACCOUNT_ROW (
                  tend_account_row_new (provider, provider_name (self, provider), account));
              g_signal_connect_object (row, "disconnect", G_CALLBACK (account_disconnect_cb), self,
                                       G_CONNECT_DEFAULT);
              g_signal_connect_object (row, "sign-in", G_CALLBACK (account_sign_in_cb), self,
                                       G_CONNECT_DEFAULT);
              gtk_widget_action_set_enabled (GTK_WIDGET (row), "account.sign-in",
                                             self->connecting == NULL);
              adw_preferences_group_add (self->accounts_group, GTK_WIDGET (row));
              g_hash_table_insert (self->account_rows, g_strdup (row_key), row);
            }
          tend_agent_account_progress (self->agent, provider, account, &done, &total);
          tend_account_row_update (row, details, done, total);
          g_hash_table_add (seen, g_steal_pointer (&row_key));
          g_variant_unref (details);
        }
    }

  g_hash_table_iter_init (&iter, self->account_rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (seen, key))
        {
          adw_preferences_group_remove (self->accounts_group, GTK_WIDGET (value));
          g_hash_table_iter_remove (&iter);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->no_accounts_row),
                          g_hash_table_size (self->account_rows) == 0);
}

static gboolean
clock_cb (gpointer user_data)
{
  sync_accounts (TEND_PREFERENCES_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
set_connecting (TendPreferencesWindow *self, const char *provider, const char *row_key)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  g_free (self->connecting);
  self->connecting = g_strdup (provider);
  g_free (self->reconnecting);
  self->reconnecting = g_strdup (row_key);
  g_hash_table_iter_init (&iter, self->provider_rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkSpinner *spinner = g_object_get_data (value, "tend-spinner");
      gboolean    busy = row_key == NULL && g_strcmp0 (key, provider) == 0;

      gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
      gtk_spinner_set_spinning (spinner, busy);
    }
  /* One sign-in at a time, wherever it was asked for. */
  g_hash_table_iter_init (&iter, self->account_rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      tend_account_row_set_signing_in (value, g_strcmp0 (key, row_key) == 0);
      gtk_widget_action_set_enabled (value, "account.sign-in",
                                     self->agent != NULL && provider == NULL);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.connect",
                                 self->agent != NULL && provider == NULL);
}

/* Where a sign-in tells how it goes: the account's own row when it signs in again, else the
 * provider's Connect row. What happened to the last sign-in stays until the next one. */
static void
note_sign_in (TendPreferencesWindow *self, const char *provider, const char *row_key,
              const char *note, gboolean is_error)
{
  GtkWidget *row;

  if (row_key != NULL)
    {
      TendAccountRow *account_row = g_hash_table_lookup (self->account_rows, row_key);

      if (account_row != NULL)
        tend_account_row_set_note (account_row, note, is_error);
      return;
    }
  row = g_hash_table_lookup (self->provider_rows, provider);
  if (row == NULL)
    return;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), note);
  g_object_set_data (G_OBJECT (row), "tend-noted", GINT_TO_POINTER (TRUE));
  if (is_error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
sync_providers (TendPreferencesWindow *self)
{
  GVariant *providers = self->agent != NULL ? tend_dbus_agent1_get_providers (self->agent) : NULL;
  g_autoptr (GVariantIter) iter = NULL;
  const char *id;
  const char *name;
  gboolean    configured;

  if (providers == NULL)
    return;
  g_variant_get (providers, "a(ssb)", &iter);
  while (g_variant_iter_next (iter, "(&s&sb)", &id, &name, &configured))
    {
      GtkWidget *row = g_hash_table_lookup (self->provider_rows, id);

      if (row == NULL)
        {
          g_autofree char *title
              = g_strdup_printf (_ ("Connect %s"), tend_provider_display_name (id, name));
          GtkWidget *button = gtk_button_new_with_mnemonic (_ ("C_onnect…"));
          GtkWidget *spinner = gtk_spinner_new ();

          row = adw_action_row_new ();
          /* The organization names its provider; the subtitle tells the agent's errors. */
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.connect");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          title, -1);
          gtk_widget_set_visible (spinner, FALSE);
          gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Signing in"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          g_object_set_data (G_OBJECT (row), "tend-spinner", spinner);
          adw_preferences_group_add (self->connect_group, row);
          g_hash_table_insert (self->provider_rows, g_strdup (id), row);
        }
      if (g_object_get_data (G_OBJECT (row), "tend-noted") == NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     configured ? _ ("Sign in with your browser")
                                                : _ ("Not set up on this computer: ask your "
                                                     "organization, or see tendctl’s manual"));
      /* The row, not the button: the button's sensitivity follows its action. */
      gtk_widget_set_sensitive (row, configured);
    }
}

static void
connect_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *account
      = tend_agent_connect_account_finish (G_DBUS_PROXY (object), result, &error);
  g_autofree char *provider = NULL;
  g_autofree char *row_key = NULL;
  g_autofree char *note = NULL;

  if (account == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  provider = g_strdup (self->connecting);
  row_key = g_strdup (self->reconnecting);
  set_connecting (self, NULL, NULL);
  if (account == NULL)
    {
      g_autofree char *described = tend_agent_error_describe (error);

      note = g_strdup_printf (_ ("Could not sign in: %s"), described);
      note_sign_in (self, provider, row_key, note, TRUE);
      return;
    }
  /* Signed in again: the row goes back to saying how the account syncs. */
  if (row_key != NULL)
    {
      note_sign_in (self, provider, row_key, NULL, FALSE);
      return;
    }
  /* Stays true after the first sync, which the account's own row follows. Translators: the
   * account just signed in, e.g. "Connected ana@example.org". */
  note = g_strdup_printf (_ ("Connected %s"), account);
  note_sign_in (self, provider, NULL, note, FALSE);
}

/* @row_key: the account signing in again, as in account_rows, or %NULL for a new one. */
static void
start_connect (TendPreferencesWindow *self, const char *provider, const char *row_key)
{
  set_connecting (self, provider, row_key);
  note_sign_in (self, provider, row_key, _ ("Waiting for you to sign in, in your browser…"), FALSE);
  tend_agent_connect_account (G_DBUS_PROXY (self->agent), provider, self->cancellable, connect_cb,
                              g_object_ref (self));
}

static void
connect_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (widget);

  g_return_if_fail (self->agent != NULL);

  start_connect (self, g_variant_get_string (parameter, NULL), NULL);
}

/* The agent can no longer sync the account: the same sign-in as a new account's, shown in the
 * account's row. */
static void
account_sign_in_cb (TendAccountRow *row, TendPreferencesWindow *self)
{
  g_autofree char *row_key = NULL;

  if (self->agent == NULL || self->connecting != NULL)
    return;
  row_key = account_key (tend_account_row_get_provider (row), tend_account_row_get_account (row));
  start_connect (self, tend_account_row_get_provider (row), row_key);
}

static void
device_code_cb (TendDBusAgent1 *agent, const char *provider, const char *user_code,
                const char *verification_uri, gint64 expires_at, TendPreferencesWindow *self)
{
  g_autofree char *note = tend_device_code_describe (user_code, verification_uri);

  if (g_strcmp0 (provider, self->connecting) == 0)
    note_sign_in (self, provider, self->reconnecting, note, FALSE);
  else
    note_sign_in (self, provider, NULL, note, FALSE);
}

static void
set_paused_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *described = NULL;

  if (tend_dbus_agent1_call_set_paused_finish (TEND_DBUS_AGENT1 (object), result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  described = tend_agent_error_describe (error);
  toast_printf (self, _ ("Could not change collection: %s"), described);
  self->updating = TRUE;
  gtk_switch_set_active (self->pause_switch, gtk_switch_get_state (self->pause_switch));
  self->updating = FALSE;
}

/* The switch moves at once but its state follows the agent's Paused, so it never claims a pause
 * the agent did not make. */
static gboolean
pause_state_set_cb (TendPreferencesWindow *self, gboolean state, GtkSwitch *pause_switch)
{
  if (self->updating)
    return FALSE;
  if (self->agent == NULL)
    return TRUE;
  tend_dbus_agent1_call_set_paused (self->agent, state, self->cancellable, set_paused_cb,
                                    g_object_ref (self));
  return TRUE;
}

static void
sync_now_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (tend_dbus_agent1_call_sync_now_finish (TEND_DBUS_AGENT1 (object), result, &error))
    toast (self, _ ("Syncing every account"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *described = tend_agent_error_describe (error);

      toast_printf (self, _ ("Could not sync: %s"), described);
    }
}

static void
sync_now_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (widget);

  g_return_if_fail (self->agent != NULL);

  tend_dbus_agent1_call_sync_now (self->agent, self->cancellable, sync_now_cb, g_object_ref (self));
}

/* Sharing */

static void
sharing_details (TendPreferencesWindow *self, const char **organization, const char **collector,
                 gboolean *enabled, gint64 *since)
{
  GVariant *sharing = self->agent != NULL ? tend_dbus_agent1_get_sharing (self->agent) : NULL;

  *organization = "";
  *collector = "";
  *enabled = FALSE;
  *since = 0;
  if (sharing == NULL)
    return;
  g_variant_lookup (sharing, "organization", "&s", organization);
  g_variant_lookup (sharing, "collector", "&s", collector);
  g_variant_lookup (sharing, "enabled", "b", enabled);
  g_variant_lookup (sharing, "since", "x", since);
}

/* The switch only shows the agent's Sharing: the row is what a person clicks or activates, so
 * neither the switch nor what a screen reader hears is ever on before the agent says so. */
static void
sync_sharing (TendPreferencesWindow *self)
{
  const char      *organization;
  const char      *collector;
  gboolean         enabled;
  gint64           since;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  sharing_details (self, &organization, &collector, &enabled, &since);
  if (*organization != '\0')
    title = g_strdup_printf (_ ("Share anonymized figures with %s"), organization);
  else
    title = g_strdup (_ ("Share anonymized figures with your organization"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sharing_row), title);

  if (self->agent == NULL)
    subtitle = g_strdup (_ ("Tend’s agent is not running"));
  else if (enabled)
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (since);
      g_autofree char *date = when != NULL ? g_date_time_format (when, "%x") : g_strdup ("—");

      /* Translators: the date consent was given, then the collector's address. */
      subtitle = g_strdup_printf (_ ("On since %1$s: weekly figures go to %2$s. Switch off to "
                                     "stop at once."),
                                  date, collector);
    }
  else if (*collector == '\0')
    subtitle = g_strdup (_ ("Your organization runs no collector, so there is nothing to share "
                            "with. Your figures stay on this computer."));
  else
    subtitle = g_strdup (_ ("Off: nothing leaves this computer. Switching on shows exactly what "
                            "would be sent first."));
  adw_action_row_set_subtitle (self->sharing_row, subtitle);
  /* Sharing that is on can always be switched off. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->sharing_row),
                            self->agent != NULL && (enabled || *collector != '\0'));

  gtk_switch_set_active (self->sharing_switch, enabled);
  gtk_switch_set_state (self->sharing_switch, enabled);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->sharing_row), GTK_ACCESSIBLE_STATE_CHECKED,
                               enabled, -1);
}

static void
set_sharing_off_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *described = NULL;

  if (tend_dbus_agent1_call_set_sharing_finish (TEND_DBUS_AGENT1 (object), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  described = tend_agent_error_describe (error);
  toast_printf (self, _ ("Could not switch sharing off: %s"), described);
}

/* Switching on only asks: the consent dialog's Share button is what turns sharing on. Off is the
 * one activation. */
static void
sharing_row_activated_cb (TendPreferencesWindow *self, AdwActionRow *row)
{
  const char *organization;
  const char *collector;
  gboolean    enabled;
  gint64      since;

  if (self->agent == NULL)
    return;
  sharing_details (self, &organization, &collector, &enabled, &since);
  if (enabled)
    {
      tend_dbus_agent1_call_set_sharing (self->agent, FALSE, "", "", "", self->cancellable,
                                         set_sharing_off_cb, g_object_ref (self));
      return;
    }
  if (self->consent_dialog == NULL)
    {
      self->consent_dialog
          = tend_consent_dialog_new (GTK_WINDOW (self), self->agent, organization, collector);
      g_object_add_weak_pointer (G_OBJECT (self->consent_dialog),
                                 (gpointer *) &self->consent_dialog);
    }
  gtk_window_present (GTK_WINDOW (self->consent_dialog));
}

/* Data */

typedef struct
{
  GFile           *file;
  TendExportFormat format;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

/* Reads the database read-only; the agent keeps writing meanwhile, which SQLite's WAL allows. */
static void
export_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ExportData      *data = task_data;
  g_autofree char *path = tend_store_get_default_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GFileOutputStream) out = NULL;
  gboolean existed;

  store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  existed = g_file_query_exists (data->file, cancellable);
  out = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, &error);
  if (out == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!tend_export_write (store, data->format, G_OUTPUT_STREAM (out), cancellable, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error))
    {
      g_autoptr (GCancellable) abandon = g_cancellable_new ();
      g_autoptr (GError) cleanup_error = NULL;

      /* A replace writes beside the file and moves it into place on close, unless the close is
       * cancelled: then the half-written copy goes and the file chosen keeps what it had. A file
       * that did not exist before is new, and goes as a whole. */
      g_cancellable_cancel (abandon);
      /* It answers with the cancellation asked for. */
      if (!g_output_stream_is_closed (G_OUTPUT_STREAM (out)))
        (void) g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
      if (!existed && !g_file_delete (data->file, NULL, &cleanup_error))
        g_debug ("Could not remove the unfinished export: %s", cleanup_error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
export_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (object);
  g_autoptr (GError) error = NULL;
  ExportData *data = g_task_get_task_data (G_TASK (result));

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *name = g_file_get_basename (data->file);
      g_autofree char *message = g_strdup_printf (_ ("Exported to %s"), name);

      toast (self, message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_printf (self, _ ("Could not export: %s"), error->message);
}

static void
export_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GTask) task = NULL;
  g_autofree char *name = NULL;
  ExportData      *data;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    return;

  data = g_new0 (ExportData, 1);
  data->file = g_object_ref (file);
  /* The name the person typed says which format they expect. */
  name = g_file_get_basename (file);
  data->format = g_str_has_suffix (name, ".csv") ? TEND_EXPORT_CSV : TEND_EXPORT_JSON;
  task = g_task_new (self, self->cancellable, export_cb, NULL);
  g_task_set_source_tag (task, export_response_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (widget);
  GtkFileChooserNative  *chooser;
  GtkFileFilter         *json = gtk_file_filter_new ();
  GtkFileFilter         *csv = gtk_file_filter_new ();

  chooser
      = gtk_file_chooser_native_new (_ ("Export Tend’s Data"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (json, _ ("JSON"));
  gtk_file_filter_add_pattern (json, "*.json");
  gtk_file_filter_set_name (csv, _ ("CSV"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  g_object_unref (json);
  g_object_unref (csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "tend-export.json");
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
counts_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  g_autofree char *path = tend_store_get_default_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  TendStoreCounts *counts = g_new0 (TendStoreCounts, 1);

  store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  /* No database yet: nothing to count, and nothing of it to delete. */
  if (store == NULL && g_error_matches (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_pointer (task, counts, g_free);
      return;
    }
  if (store == NULL || !tend_store_get_counts (store, counts, &error))
    {
      g_free (counts);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, counts, g_free);
}

static void
opt_out_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (tend_dbus_agent1_call_opt_out_finish (TEND_DBUS_AGENT1 (object), result, &error))
    {
      /* Nothing is left to set: the main window goes back to its welcome. */
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *described = tend_agent_error_describe (error);

      toast_printf (self, _ ("Could not delete everything: %s"), described);
    }
}

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (user_data);

  if (g_strcmp0 (response, "delete") != 0 || self->agent == NULL)
    return;
  /* True: the dialog the person confirmed said that everything goes. */
  tend_dbus_agent1_call_opt_out (self->agent, TRUE, self->cancellable, opt_out_cb,
                                 g_object_ref (self));
}

static char *
describe_accounts (TendPreferencesWindow *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  GVariant *accounts = self->agent != NULL ? tend_dbus_agent1_get_accounts (self->agent) : NULL;
  g_autoptr (GVariantIter) iter = NULL;
  const char *provider;
  const char *account;
  GVariant   *details;

  if (accounts == NULL)
    return NULL;
  g_variant_get (accounts, "a(ssa{sv})", &iter);
  while (g_variant_iter_next (iter, "(&s&s@a{sv})", &provider, &account, &details))
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: an account and its provider, e.g. "ana@example.com (Microsoft 365)". */
      g_string_append_printf (text, _ ("%1$s (%2$s)"), account, provider_name (self, provider));
      g_variant_unref (details);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
counts_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (object);
  g_autoptr (GError) error = NULL;
  g_autofree TendStoreCounts *counts = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *messages = NULL;
  g_autofree char *events = NULL;
  g_autofree char *accounts = NULL;
  GtkWidget       *dialog;

  if (counts == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.delete-everything",
                                 self->agent != NULL);
  if (counts == NULL)
    {
      toast_printf (self, _ ("Could not read the database: %s"), error->message);
      return;
    }

  messages = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%lu message", "%lu messages", (gulong) counts->messages),
      (gulong) counts->messages);
  events = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%lu event", "%lu events", (gulong) counts->events),
      (gulong) counts->events);
  g_string_append (body, _ ("Tend stops collecting and deletes:"));
  g_string_append (body, "\n\n• ");
  /* Translators: the two counts are "12 messages" and "3 events". */
  g_string_append_printf (body, _ ("its database, with %1$s and %2$s"), messages, events);
  accounts = describe_accounts (self);
  if (accounts != NULL)
    {
      g_string_append (body, "\n• ");
      g_string_append_printf (body, _ ("the sign-in tokens of %s, from your keyring"), accounts);
    }
  g_string_append (body, "\n• ");
  g_string_append (body, _ ("Tend’s cache"));
  g_string_append (body, "\n\n");
  g_string_append (body, _ ("This cannot be undone. To stop for a while instead, pause "
                            "collection."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Delete Everything?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete Everything"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self,
                           G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The confirmation names what goes, so it counts first, in a thread. */
static void
delete_everything_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (widget);
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, counts_cb, NULL);

  gtk_widget_action_set_enabled (widget, "preferences.delete-everything", FALSE);
  g_task_set_source_tag (task, delete_everything_action);
  g_task_run_in_thread (task, counts_thread);
}

/* The agent */

static void
sync_paused (TendPreferencesWindow *self)
{
  gboolean paused = self->agent != NULL && tend_dbus_agent1_get_paused (self->agent);

  self->updating = TRUE;
  gtk_switch_set_active (self->pause_switch, paused);
  gtk_switch_set_state (self->pause_switch, paused);
  self->updating = FALSE;
}

static void
sync_from_agent (TendPreferencesWindow *self)
{
  gboolean running = self->agent != NULL;

  sync_providers (self);
  sync_accounts (self);
  sync_paused (self);
  sync_sharing (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_row), running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.sync-now", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.delete-everything", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.connect",
                                 running && self->connecting == NULL);
}

static gboolean
has_changed (GVariant *changed, const char *property)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (changed, property, NULL);

  return value != NULL;
}

static void
agent_properties_changed_cb (GDBusProxy *proxy, GVariant *changed, const char *const *invalidated,
                             TendPreferencesWindow *self)
{
  /* Sources changes after every page of a sync: refresh only what a change is about. */
  if (has_changed (changed, "Providers"))
    sync_providers (self);
  if (has_changed (changed, "Accounts") || has_changed (changed, "Sources"))
    sync_accounts (self);
  if (has_changed (changed, "Paused"))
    sync_paused (self);
  if (has_changed (changed, "Sharing"))
    sync_sharing (self);
}

static void
set_agent (TendPreferencesWindow *self, TendDBusAgent1 *agent)
{
  if (self->agent == agent)
    return;
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_set_object (&self->agent, agent);
  if (agent != NULL)
    {
      g_signal_connect_object (agent, "g-properties-changed",
                               G_CALLBACK (agent_properties_changed_cb), self, G_CONNECT_DEFAULT);
      g_signal_connect_object (agent, "device-code", G_CALLBACK (device_code_cb), self,
                               G_CONNECT_DEFAULT);
    }
  sync_from_agent (self);
}

static void
application_agent_cb (TendApplication *application, GParamSpec *pspec, TendPreferencesWindow *self)
{
  set_agent (self, tend_application_get_agent (application));
}

static void
follow_application (TendPreferencesWindow *self, TendApplication *application)
{
  g_signal_connect_object (application, "notify::agent", G_CALLBACK (application_agent_cb), self,
                           G_CONNECT_DEFAULT);
  set_agent (self, tend_application_get_agent (application));
}

static void
tend_preferences_window_dispose (GObject *object)
{
  TendPreferencesWindow *self = TEND_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->clock, g_source_remove);
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  if (self->consent_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->consent_dialog),
                                  (gpointer *) &self->consent_dialog);
  self->consent_dialog = NULL;
  g_clear_object (&self->agent);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->account_rows, g_hash_table_unref);
  g_clear_pointer (&self->provider_rows, g_hash_table_unref);
  g_clear_pointer (&self->connecting, g_free);
  g_clear_pointer (&self->reconnecting, g_free);

  G_OBJECT_CLASS (tend_preferences_window_parent_class)->dispose (object);
}

static void
tend_preferences_window_class_init (TendPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/tend/Tend/tend-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, working_hours_group);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, focus_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, focus_spin);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, no_accounts_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, connect_group);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, sync_interval_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, sync_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, pause_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, pause_switch);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, sharing_row);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, sharing_switch);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, zone_page);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, zone_search);
  gtk_widget_class_bind_template_child (widget_class, TendPreferencesWindow, zone_list);
  gtk_widget_class_bind_template_callback (widget_class, time_zone_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_state_set_cb);
  gtk_widget_class_bind_template_callback (widget_class, sharing_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, zone_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, zone_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, zone_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "preferences.connect", "s", connect_action);
  gtk_widget_class_install_action (widget_class, "preferences.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "preferences.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "preferences.delete-everything", NULL,
                                   delete_everything_action);
}

static void
tend_preferences_window_init (TendPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->clock = g_timeout_add_seconds (60, clock_cb, self);
  self->account_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->provider_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_list_box_set_filter_func (self->zone_list, zone_filter_func, self, NULL);
  {
    GtkWidget *none = gtk_label_new (_ ("No time zone matches"));

    gtk_widget_add_css_class (none, "dim-label");
    gtk_widget_set_margin_top (none, 12);
    gtk_widget_set_margin_bottom (none, 12);
    gtk_list_box_set_placeholder (self->zone_list, none);
  }

  for (guint i = 1; i <= 7; i++)
    {
      self->days[i] = TEND_WORKING_HOURS_ROW (tend_working_hours_row_new (i));
      adw_preferences_group_add (self->working_hours_group, GTK_WIDGET (self->days[i]));
    }

  self->settings = tend_settings_new_if_installed ();
  if (self->settings == NULL)
    {
      /* Run from a build tree without the schema: show the defaults, and that they are fixed. */
      const char *missing = _ ("Tend’s settings are not installed on this computer");

      gtk_widget_set_sensitive (GTK_WIDGET (self->working_hours_group), FALSE);
      adw_preferences_group_set_description (self->working_hours_group, missing);
      gtk_widget_set_sensitive (GTK_WIDGET (self->time_zone_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->focus_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->sync_interval_row), FALSE);
      update_time_zone_row (self);
      return;
    }
  load_working_hours (self);
  update_time_zone_row (self);
  for (guint i = 1; i <= 7; i++)
    g_signal_connect_object (self->days[i], "changed", G_CALLBACK (working_hours_changed_cb), self,
                             G_CONNECT_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_settings_bind (self->settings, "focus-minimum-minutes", self->focus_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sync-interval-minutes", self->sync_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
tend_preferences_window_new (TendApplication *application)
{
  TendPreferencesWindow *self;

  g_return_val_if_fail (TEND_IS_APPLICATION (application), NULL);

  self = g_object_new (TEND_TYPE_PREFERENCES_WINDOW, "application", application, NULL);
  follow_application (self, application);
  return GTK_WIDGET (self);
}
