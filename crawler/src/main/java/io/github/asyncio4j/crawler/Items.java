package io.github.asyncio4j.crawler;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.net.URI;
import java.nio.file.Path;

/**
 * Items as data: what {@link Page#emit} accepts is turned into a JSON object once, when emitted, and every built-in
 * sink writes that. Gson writes records (their components, in order), maps and plain objects (their fields);
 * nulls are kept; {@code URI}s and {@code Path}s are written as strings.
 */
final class Items {
    static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .registerTypeHierarchyAdapter(URI.class, (JsonSerializer<URI>) (u, t, c) -> new JsonPrimitive(u.toString()))
            .registerTypeHierarchyAdapter(Path.class,
                    (JsonSerializer<Path>) (p, t, c) -> new JsonPrimitive(p.toString()))
            .create();

    private Items() {
    }

    /**
     * {@code item} as a JSON object.
     * @throws IllegalArgumentException if it is null, is not written as an object, or cannot be written
     */
    static JsonObject toJson(Object item) {
        if (item == null) {
            throw new IllegalArgumentException("an item cannot be null");
        }
        if (item instanceof JsonObject o) {
            return o;
        }
        JsonElement e;
        try {
            e = GSON.toJsonTree(item);
        } catch (RuntimeException x) {
            throw new IllegalArgumentException("an item of type " + item.getClass().getName()
                    + " cannot be written as JSON (" + ErrorText.of(x) + "): emit a record or a Map", x);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("an item must be written as a JSON object (a record, a Map, an "
                    + "object with fields), not " + item.getClass().getName());
        }
        return e.getAsJsonObject();
    }
}
