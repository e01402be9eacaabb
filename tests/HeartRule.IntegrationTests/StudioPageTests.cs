using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using Microsoft.Playwright;

namespace HeartRule.IntegrationTests;

/// <summary>The script studio in a real browser (Debian's Chromium), against the real system; one browser for all its tests.</summary>
[Collection(SystemCollection.Name)]
public sealed class StudioPageTests(SystemFixture system, SharedBrowser shared) : IClassFixture<SharedBrowser>
{
    /// <summary>
    /// A draft with three errors — a deprecated field and the <c>content</c> it leaves missing (both at line 12, where the
    /// config's first key is), <c>max_rounds</c> out of range (line 18) — and a warning (the root key <c>notes</c>, line 22).
    /// </summary>
    private static string Broken(string id) => TestScripts.Session(id).Replace("content: \"Hello\"", "content_template: \"Hello\"", StringComparison.Ordinal) + """

                    - action_type: ai_ask
                      action_id: ask_name
                      config:
                        content: "What name would you like me to call you?"
                        max_rounds: 11
                        output:
                          - get: client_name
                            define: The name the client gives.
        notes: kept for the authors

        """;

    [Fact]
    public async Task A_broken_draft_shows_each_error_at_its_line_and_column_with_its_message_and_suggestion()
    {
        var id = await CreateAsync("studio-errors", TestScripts.Session(NewId(), "Hello"), publish: true, draft: Broken);
        var (context, page) = await OpenAsync("studio-errors", Roles.Author, $"?script={id}");
        await using var _ = context;

        // The latest version (the draft) is open, and the API's validation marks each finding where it is.
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("A test session — v2 (draft)");
        var status = page.Locator("#validation");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "invalid", new() { Timeout = 15000 });
        await Assertions.Expect(status).ToHaveTextAsync("3 error(s), 1 warning(s): fix the errors to publish or run it.");
        var errors = page.Locator("#findings li.error");
        await Assertions.Expect(errors).ToHaveCountAsync(3);
        var deprecated = page.Locator("#findings li.error[data-kind='deprecated']");
        await Assertions.Expect(deprecated.Locator(".where")).ToHaveTextAsync("Line 12, column 17");
        await Assertions.Expect(deprecated.Locator(".message")).ToHaveTextAsync("'content_template' is no longer supported");
        await Assertions.Expect(deprecated.Locator(".suggestion")).ToHaveTextAsync("Rename 'content_template' to 'content'");
        await Assertions.Expect(deprecated.Locator("button.fix")).ToHaveTextAsync("Rename to 'content'");
        var missing = page.Locator("#findings li.error[data-kind='required']");
        await Assertions.Expect(missing.Locator(".where")).ToHaveTextAsync("Line 12, column 17");
        await Assertions.Expect(missing.Locator(".message")).ToHaveTextAsync("'content' is required");
        await Assertions.Expect(missing.Locator("button.fix")).ToHaveCountAsync(0);
        var range = page.Locator("#findings li.error[data-kind='constraint']");
        await Assertions.Expect(range.Locator(".where")).ToHaveTextAsync("Line 18, column 29");
        await Assertions.Expect(range.Locator(".message")).ToHaveTextAsync("'max_rounds' must be between 1 and 10");
        await Assertions.Expect(range.Locator(".suggestion")).ToHaveTextAsync("Use a value from 1 to 10");
        var warning = page.Locator("#findings li.warning");
        await Assertions.Expect(warning.Locator(".where")).ToHaveTextAsync("Line 22, column 1");
        await Assertions.Expect(warning.Locator(".message")).ToHaveTextAsync("Root key 'notes' is ignored by the engine");
        // In the editor: the words marked on their lines (the field, the value out of range), a gutter marker on each line.
        var marked = page.Locator(".cm-line").Filter(new() { Has = page.Locator(".cm-lintRange-error") });
        await Assertions.Expect(marked).ToHaveTextAsync([new Regex(@"^\s+content_template: ""Hello""$"), new Regex(@"^\s+max_rounds: 11$")]);
        await Assertions.Expect(marked.Nth(0).Locator(".cm-lintRange-error").First).ToHaveTextAsync("content_template");
        await Assertions.Expect(marked.Nth(1).Locator(".cm-lintRange-error")).ToHaveTextAsync("11");
        await Assertions.Expect(page.Locator(".cm-lint-marker-error")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".cm-lintRange-warning")).ToHaveTextAsync("notes");
        // Neither published nor run while it has errors.
        await Assertions.Expect(page.Locator("#publish")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#run")).ToBeDisabledAsync();
        // The versions, and which is current.
        await Assertions.Expect(page.Locator("#versions li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToContainTextAsync("draft");
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToContainTextAsync("3 error(s)");
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToHaveAttributeAsync("aria-current", "true");
        await Assertions.Expect(page.Locator("#versions li[data-version='1']")).ToHaveAttributeAsync("data-state", "current");

        // By keyboard: a finding's place puts the cursor on its word, in the editor.
        await deprecated.Locator(".where").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".cm-editor")).ToHaveClassAsync(new Regex("cm-focused"));
        Assert.Equal("content_template", await page.EvaluateAsync<string>("() => getSelection().toString()"));
        await Browser.ScreenshotAsync(page, "studio-errors");

        // In Chinese: the same findings at the same places, in the reader's words.
        await page.SelectOptionAsync("#language", "zh-CN");
        await Assertions.Expect(deprecated.Locator(".message")).ToHaveTextAsync("“content_template”已不再支持", new() { Timeout = 15000 });
        await Assertions.Expect(deprecated.Locator(".where")).ToHaveTextAsync("第 12 行，第 17 列");
        await Assertions.Expect(deprecated.Locator("button.fix")).ToHaveTextAsync("重命名为“content”");

        await page.SetViewportSizeAsync(375, 812);
        await Browser.ScreenshotAsync(page, "studio-375px");
        Assert.Empty(await Browser.OverflowAsync(page));
    }

    [Fact]
    public async Task A_deprecated_field_is_renamed_with_one_click_and_the_fixed_draft_is_published_once_its_warning_is_accepted()
    {
        var id = await CreateAsync("studio-fix", TestScripts.Session(NewId(), "Hello"), publish: true, draft: scriptId => Broken(scriptId).Replace("max_rounds: 11", "max_rounds: 2", StringComparison.Ordinal));
        var (context, page) = await OpenAsync("studio-fix", Roles.Author, $"?script={id}");
        await using var _ = context;
        var deprecated = page.Locator("#findings li.error[data-kind='deprecated']");
        await Assertions.Expect(deprecated.Locator("button.fix")).ToBeVisibleAsync(new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#findings li.error")).ToHaveCountAsync(2);

        // One click: the field is renamed in the text, and validation finds no error left.
        await deprecated.Locator("button.fix").ClickAsync();
        var status = page.Locator("#validation");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });
        await Assertions.Expect(status).ToHaveTextAsync("1 warning(s), no errors.");
        await Assertions.Expect(page.Locator("#findings li.error")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".cm-line").Nth(11)).ToHaveTextAsync(new Regex(@"^\s+content: ""Hello""$"));

        // Publish: saved as a new draft first; its warning needs an explicit "publish anyway".
        await page.FillAsync("#notes", "renamed content_template");
        await page.ClickAsync("#publish");
        await Assertions.Expect(page.Locator("#warningsGate")).ToBeVisibleAsync(new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#gateWarnings li .message")).ToHaveTextAsync("Root key 'notes' is ignored by the engine");
        await Assertions.Expect(page.Locator("#publishAnyway")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#versions li[data-version='3']")).ToHaveAttributeAsync("data-state", "draft");
        await Browser.ScreenshotAsync(page, "studio-publish-warnings");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync("v3 is published: new sessions start it.", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#versions li[data-version='3']")).ToHaveAttributeAsync("data-state", "current");
        await Assertions.Expect(page.Locator("#versions li[data-version='3']")).ToContainTextAsync("renamed content_template");
        await Assertions.Expect(page.Locator("#warningsGate")).ToBeHiddenAsync();

        // As the API has it: version 3 is current, with the renamed field.
        using var api = await system.ApiClientAsync("studio-fix", Roles.Author);
        var current = await api.GetFromJsonAsync<JsonElement>($"/api/scripts/{id}");
        Assert.Equal((3, true), (current.GetProperty("version").GetInt32(), current.GetProperty("current").GetBoolean()));
        Assert.Contains("content: \"Hello\"", current.GetProperty("yaml").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("content_template", current.GetProperty("yaml").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_saves_the_draft_and_plays_it_in_the_debugger_beside_the_editor()
    {
        var id = await CreateAsync("studio-run", await IntakeCopyAsync(NewId()), publish: true);
        var (context, page) = await OpenAsync("studio-run", Roles.Author, $"?script={id}");
        await using var _ = context;
        await Assertions.Expect(page.Locator("#validation")).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });

        // A change, not saved yet: Run saves it as a draft and runs that draft.
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.InsertTextAsync("# tried in the studio");
        await Assertions.Expect(page.Locator("#save")).ToBeEnabledAsync();
        await page.ClickAsync("#run");
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync("v2 runs in the debugger, as your own session.", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToHaveAttributeAsync("data-state", "draft");

        // The debugger beside the editor: the draft started with debug, followed from its first turn.
        var debuggerPane = page.FrameLocator("#debuggerFrame");
        await Assertions.Expect(debuggerPane.Locator("#sessionHeading")).ToHaveTextAsync("First-session intake (v2) — studio-run", new() { Timeout = 15000 });
        await Assertions.Expect(debuggerPane.Locator("#timeline [role=option]")).ToHaveCountAsync(1, new() { Timeout = 15000 });
        await Assertions.Expect(debuggerPane.Locator("#detailHeading")).ToHaveTextAsync("Turn 1 · #3 waiting_input");
        await Assertions.Expect(debuggerPane.Locator("#detail .tree li.here")).ToHaveTextAsync("ask_name ai_ask round 1 of 3");
        await Assertions.Expect(debuggerPane.Locator("body")).ToHaveClassAsync(new Regex("embedded"));
        var editorBox = (await page.Locator("#editorPanel").BoundingBoxAsync())!;
        var runBox = (await page.Locator("#runPanel").BoundingBoxAsync())!;
        Assert.True(runBox.X >= editorBox.X + editorBox.Width && Math.Abs(runBox.Y - editorBox.Y) < 1, $"editor {editorBox.X},{editorBox.Y} {editorBox.Width}; debugger {runBox.X},{runBox.Y}");

        // Played: the author answers in the chat (the debugger's link), and the debugger shows the turn as it happens.
        var chat = await context.RunAndWaitForPageAsync(() => debuggerPane.Locator("#talk").ClickAsync());
        await Assertions.Expect(chat.Locator("#text")).ToBeEnabledAsync(new() { Timeout = 15000 });
        await chat.FillAsync("#text", "Alex");
        await chat.PressAsync("#text", "Enter");
        await Assertions.Expect(debuggerPane.Locator("#timeline [role=option]")).ToHaveCountAsync(2, new() { Timeout = 15000 });
        await Assertions.Expect(debuggerPane.Locator("#detailHeading")).ToHaveTextAsync("Turn 2 · #6 waiting_input");
        await debuggerPane.Locator("#detail details.llm summary").First.ClickAsync();
        await Assertions.Expect(debuggerPane.Locator("#detail details.llm pre").First).ToContainTextAsync("Alex");
        await Browser.ScreenshotAsync(page, "studio-run");
    }

    [Fact]
    public async Task A_rollback_makes_new_sessions_start_the_earlier_version_and_any_two_versions_compare()
    {
        var id = NewId();
        await CreateAsync("studio-rollback", TestScripts.Session(id, "Hello from version one"), publish: true);
        using (var author = await system.ApiClientAsync("studio-rollback", Roles.Author))
        {
            using var saved = await author.PostAsJsonAsync($"/api/scripts/{id}/versions", new { yaml = TestScripts.Session(id, "Hello from version two") });
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
            using var published = await author.PostAsync($"/api/scripts/{id}/versions/2/publish", null);
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }
        var (context, page) = await OpenAsync("studio-rollback", Roles.Author, $"?script={id}");
        await using var _ = context;
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToHaveAttributeAsync("data-state", "current", new() { Timeout = 15000 });

        // The diff of the two versions, as the API gives it.
        await page.SelectOptionAsync("#diffFrom", "1");
        await page.SelectOptionAsync("#diffTo", "2");
        await page.ClickAsync("#compare");
        await Assertions.Expect(page.Locator("#diffHeading")).ToHaveTextAsync("v1 → v2: 1 added, 1 removed", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#diff tr.removed")).ToContainTextAsync("Hello from version one");
        await Assertions.Expect(page.Locator("#diff tr.added")).ToContainTextAsync("Hello from version two");
        await Assertions.Expect(page.Locator("#diff tr.removed .sign")).ToHaveTextAsync("−");

        // Rolled back by keyboard: version 1 is current again.
        await page.Locator("#versions li[data-version='1'] button.rollback").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#versions li[data-version='1']")).ToHaveAttributeAsync("data-state", "current", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#versions li[data-version='2']")).ToHaveAttributeAsync("data-state", "published");
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync("v1 is current again: new sessions start it; running ones keep their version.");
        await Browser.ScreenshotAsync(page, "studio-rollback");

        // A client's new session starts version 1.
        using var client = await system.ApiClientAsync("studio-rollback-client");
        using var created = await client.PostAsJsonAsync("/api/sessions", new { scriptId = id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, session.GetProperty("scriptVersion").GetInt32());
        Assert.Equal("Hello from version one", session.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_client_gets_FORBIDDEN_while_an_author_finds_the_studio_from_the_chat_and_starts_a_new_script()
    {
        var (context, page) = await OpenAsync("studio-client", "client", "");
        await using var _ = context;
        await Assertions.Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-kind", "forbidden", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("FORBIDDEN The script studio is for authors and admins.");
        await Assertions.Expect(page.Locator("#studio")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#pickForm")).ToBeHiddenAsync();
        await Browser.ScreenshotAsync(page, "studio-forbidden-client");

        // The API refuses them anyway: a draft of a script, or a new one.
        using var api = await system.ApiClientAsync("studio-client");
        using var draft = await api.PostAsJsonAsync("/api/scripts/intake/versions", new { yaml = "session: {}" });
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
        using var upload = await api.PostAsJsonAsync("/api/scripts", new { yaml = TestScripts.Session(NewId()) });
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);

        // The chat page leads authors to the studio, and no one else.
        await page.GotoAsync(system.GatewayHttp().ToString());
        await Browser.SignInAsync(page, "studio-client");
        await Assertions.Expect(page.Locator("#studioLink")).ToBeHiddenAsync();
        await Browser.SignInAsync(page, "studio-author-nav", "author");
        await Assertions.Expect(page.Locator("#studioLink")).ToBeVisibleAsync();
        await page.ClickAsync("#studioLink");
        await Assertions.Expect(page.Locator("#pickForm")).ToBeVisibleAsync(new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToBeHiddenAsync();

        // A new script: the template, replaced by the author's text, saved as version 1 of its own id.
        var id = NewId();
        await page.ClickAsync("#newScript");
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("New script (not saved yet)");
        await Assertions.Expect(page.Locator("#validation")).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.InsertTextAsync(TestScripts.Session(id, "Hello from the studio"));
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync("Saved as v1.", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#scripts")).ToHaveValueAsync(id);
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("A test session — v1 (draft)");
        await Assertions.Expect(page.Locator("#versions li[data-version='1']")).ToHaveAttributeAsync("data-state", "draft");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"script={id}&version=1$"));
    }

    [Fact]
    public async Task Nothing_typed_is_lost_to_an_unreachable_server_an_expired_sign_in_or_a_reload()
    {
        var id = await CreateAsync("studio-keep", TestScripts.Session(NewId(), "Hello"), publish: true);
        var (context, page) = await OpenAsync("studio-keep", Roles.Author, $"?script={id}");
        await using var _ = context;
        var status = page.Locator("#validation");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });

        // The server cannot be reached: said so, and the text stays as typed.
        await page.RouteAsync("**/api/scripts/validate", route => route.AbortAsync());
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.InsertTextAsync("\n# first thought");
        await Assertions.Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-kind", "unreachable", new() { Timeout = 15000 });
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "failed");
        // Back: the next pause in typing checks the text again, and the problem goes.
        await page.UnrouteAsync("**/api/scripts/validate");
        await page.Keyboard.InsertTextAsync("\n# second thought");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToBeHiddenAsync();

        // The sign-in has ended: saving says so, and keeps the text.
        await page.RouteAsync("**/auth/dev-token", route => route.FulfillAsync(new() { Status = 401, ContentType = "application/problem+json", Body = """{"code":"UNAUTHORIZED","detail":"Signed out."}""" }));
        await page.RouteAsync($"**/api/scripts/{id}/versions", route => route.FulfillAsync(new() { Status = 401, ContentType = "application/problem+json", Body = """{"code":"UNAUTHORIZED","detail":"Expired."}""" }));
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-kind", "expired", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("Sign in again to go on.");
        await Assertions.Expect(page.Locator(".cm-content")).ToContainTextAsync("# second thought");
        await Browser.ScreenshotAsync(page, "studio-expired");
        await page.UnrouteAllAsync();

        // Leaving asks first; the text comes back when the author returns.
        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Dialog += async (_, dialog) =>
        {
            asked.TrySetResult(dialog.Type);
            await dialog.AcceptAsync();
        };
        await page.ReloadAsync();
        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync(new Regex("^Brought back the text you had not saved"), new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator(".cm-content")).ToContainTextAsync("# second thought");
        await Assertions.Expect(page.Locator("#save")).ToBeEnabledAsync();

        // Saved: a new draft, and nothing kept aside any more.
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#saveState")).ToHaveTextAsync("Saved as v2.", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#save")).ToBeDisabledAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('heartrule.studio.unsaved.studio-keep')"));
    }

    [Fact]
    public async Task Another_authors_script_opens_read_only_and_only_its_published_versions_run()
    {
        // Versions 1 and 2 published (2 is current), 3 a valid draft, 4 a draft with a deprecated field.
        var id = await CreateAsync("studio-owner", TestScripts.Session(NewId(), "Hello"), publish: true, draft: scriptId => TestScripts.Session(scriptId, "Hello again"));
        using (var owner = await system.ApiClientAsync("studio-owner", Roles.Author))
        {
            using var published = await owner.PostAsync($"/api/scripts/{id}/versions/2/publish", null);
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
            foreach (var yaml in new[] { TestScripts.Session(id, "Hello a third time"), Broken(id) })
            {
                using var saved = await owner.PostAsJsonAsync($"/api/scripts/{id}/versions", new { yaml });
                Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
            }
        }

        var (context, page) = await OpenAsync("studio-onlooker", Roles.Author, $"?script={id}");
        await using var _ = context;
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("A test session — v4 (draft)", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#readOnly")).ToHaveTextAsync(new Regex("^Read only: only this script's owners"));
        await Assertions.Expect(page.Locator("#scripts optgroup[label='Other scripts (read only)'] option[value='" + id + "']")).ToHaveCountAsync(1);
        // Its findings are shown, but not the one-click fix; nothing can be saved, published or rolled back.
        await Assertions.Expect(page.Locator("#validation")).ToHaveAttributeAsync("data-state", "invalid", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#validation")).ToHaveTextAsync("3 error(s), 1 warning(s).");
        await Assertions.Expect(page.Locator("#findings li.error[data-kind='deprecated']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#findings button.fix")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#versions button.rollback")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#save")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#publish")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#notes")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#run")).ToBeDisabledAsync();
        // The text takes no typing.
        await Assertions.Expect(page.Locator(".cm-content")).ToHaveAttributeAsync("aria-readonly", "true");
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.InsertTextAsync("# typed by someone else");
        await Assertions.Expect(page.Locator(".cm-content")).Not.ToContainTextAsync("typed by someone else");
        await Browser.ScreenshotAsync(page, "studio-read-only");

        // A valid draft does not run either (only its owners may try drafts); a published version does.
        await page.Locator("#versions li[data-version='3'] button.open").ClickAsync();
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("A test session — v3 (draft)", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#validation")).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#run")).ToBeDisabledAsync();
        await page.Locator("#versions li[data-version='1'] button.open").ClickAsync();
        await Assertions.Expect(page.Locator("#editorHeading")).ToHaveTextAsync("A test session — v1 (published)", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#run")).ToBeEnabledAsync(new() { Timeout = 15000 });

        // Its owner gets the same script to change: the fix, the rollback, saving once the text changes.
        var (ownerContext, ownerPage) = await OpenAsync("studio-owner", Roles.Author, $"?script={id}");
        await using var __ = ownerContext;
        await Assertions.Expect(ownerPage.Locator("#findings button.fix")).ToHaveCountAsync(1, new() { Timeout = 15000 });
        await Assertions.Expect(ownerPage.Locator("#readOnly")).ToBeHiddenAsync();
        await Assertions.Expect(ownerPage.Locator("#scripts optgroup[label='Scripts you can change'] option[value='" + id + "']")).ToHaveCountAsync(1);
        await Assertions.Expect(ownerPage.Locator("#versions li[data-version='1'] button.rollback")).ToHaveCountAsync(1);
        await Assertions.Expect(ownerPage.Locator(".cm-content")).ToHaveAttributeAsync("aria-readonly", "false");
        await ownerPage.Locator(".cm-content").ClickAsync();
        await ownerPage.Keyboard.PressAsync("Control+End");
        await ownerPage.Keyboard.InsertTextAsync("\n# typed by the owner");
        await Assertions.Expect(ownerPage.Locator(".cm-content")).ToContainTextAsync("typed by the owner");
        await Assertions.Expect(ownerPage.Locator("#save")).ToBeEnabledAsync();
    }

    private static string NewId() => "studio_" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The intake sample under another id: a script that asks, waits and extracts.</summary>
    private async Task<string> IntakeCopyAsync(string id)
    {
        using var api = await system.ApiClientAsync("studio-reader");
        var intake = await api.GetFromJsonAsync<JsonElement>("/api/scripts/intake");
        return intake.GetProperty("yaml").GetString()!.Replace("session_id: intake", $"session_id: {id}", StringComparison.Ordinal);
    }

    /// <summary>Uploads a script as the author (version 1), published if asked, and then a draft of it if given. Returns its id.</summary>
    private async Task<string> CreateAsync(string author, string yaml, bool publish, Func<string, string>? draft = null)
    {
        using var api = await system.ApiClientAsync(author, Roles.Author);
        using var uploaded = await api.PostAsJsonAsync("/api/scripts", new { yaml });
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        if (publish)
        {
            using var published = await api.PostAsync($"/api/scripts/{id}/versions/1/publish", null);
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }
        if (draft is not null)
        {
            using var saved = await api.PostAsJsonAsync($"/api/scripts/{id}/versions", new { yaml = draft(id) });
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        }
        return id;
    }

    /// <summary>The studio in a new browser context (a new visitor), signed in.</summary>
    private async Task<(IBrowserContext Context, IPage Page)> OpenAsync(string userId, string role, string query)
    {
        var context = await shared.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(system.GatewayHttp(), "/studio.html" + query).ToString());
        await page.FillAsync("#user", userId);
        await page.SelectOptionAsync("#role", role);
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync($"signed in as {userId}", new() { Timeout = 15000 });
        return (context, page);
    }
}
