package io.github.asyncio4j.crawler;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.Map;

/** A URL's metadata map as stored (a JSON object, Gson), in {@code --state} and in a shared frontier. */
final class Meta {
    private static final Gson GSON = new Gson();
    private static final Type MAP = new TypeToken<Map<String, String>>() { }.getType();

    private Meta() {
    }

    /** {@code meta} as JSON, or null if it is empty. */
    static String format(Map<String, String> meta) {
        return meta.isEmpty() ? null : GSON.toJson(meta, MAP);
    }

    /** The map {@code json} holds; empty for null. */
    static Map<String, String> parse(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, String> m = GSON.fromJson(json, MAP);
        return m == null ? Map.of() : m;
    }
}
