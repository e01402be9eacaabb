-- A session's locale (a BCP 47 tag such as zh-CN): the language its prompts, the engine's own words and its errors
-- are in. Set by its first stored turn and never changed; null for sessions from before locales (they read English).
ALTER TABLE sessions ADD COLUMN locale text;
