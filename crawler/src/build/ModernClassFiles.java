import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The crawler's runtime class path with every jar of pre-Java-6 class files (picocli's are Java 5) re-encoded as
 * Java 8 class files: the same bytecode, with the stack maps the ClassFile API computes. The JVM's AOT cache cannot
 * hold a class that the old verifier checked ("Old class has been linked"), so without this picocli's classes are
 * loaded from the jar and verified at every start of the crawler; re-encoded, they come from the cache like the rest.
 *
 * <p>Run by the crawler's build on JDK 24+ (the ClassFile API): {@code java ModernClassFiles.java CLASSPATH_FILE DIR}
 * rewrites the class path file ({@code target/classpath.txt}, which the launcher reads) to name the re-encoded copies,
 * written to DIR; the other jars stay as they are, and so does a signed one. A class the re-encoding cannot handle fails the build: the copy is
 * never half right. A copy newer than its jar is kept.
 */
public final class ModernClassFiles {
    /** Java 6: the first version with stack maps; the type-checking verifier is mandatory from 51 on. */
    private static final int STACK_MAPS = 50;
    private static final int JAVA_8 = 52;

    private ModernClassFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java ModernClassFiles.java CLASSPATH_FILE OUTPUT_DIR");
        }
        Path classPathFile = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        List<String> entries = new ArrayList<>();
        for (String entry : Files.readString(classPathFile).strip().split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && reencodable(jar)) {
                Path copy = dir.resolve(jar.getFileName());
                if (!Files.exists(copy) || Files.getLastModifiedTime(copy).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                    Files.createDirectories(dir);
                    reencode(jar, copy);
                }
                entry = copy.toAbsolutePath().toString();
            }
            entries.add(entry);
        }
        Files.writeString(classPathFile, String.join(File.pathSeparator, entries));
    }

    private static boolean isClass(JarEntry e) {
        return e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/");
    }

    /** True if {@code jar} has an old class file and no signature (which the re-encoded classes would not match). */
    private static boolean reencodable(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            if (j.stream().anyMatch(e -> e.getName().startsWith("META-INF/") && e.getName().endsWith(".SF"))) {
                return false;
            }
            for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
                if (isClass(e)) {
                    try (InputStream in = j.getInputStream(e)) {
                        byte[] head = in.readNBytes(8);     // magic, minor, major
                        if (((head[6] & 0xff) << 8 | (head[7] & 0xff)) < STACK_MAPS) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Writes {@code jar} to {@code copy} with its old class files re-encoded; entries, order and times kept. */
    private static void reencode(Path jar, Path copy) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
                if (isClass(e)) {
                    try (InputStream in = j.getInputStream(e)) {
                        classes.put(e.getName(), in.readAllBytes());
                    }
                }
            }
            // Stack maps need the supertypes of the jar's own classes: read them from the jar, the JDK's from the JDK.
            ClassHierarchyResolver inJar = ClassHierarchyResolver.ofResourceParsing((ClassDesc c) -> {
                byte[] b = classes.get(c.descriptorString().substring(1, c.descriptorString().length() - 1) + ".class");
                return b == null ? null : new ByteArrayInputStream(b);
            });
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(inJar.orElse(ClassHierarchyResolver.defaultResolver())));
            // Rebuilding every method body (ACCEPT_ALL) is what makes the ClassFile API compute its stack maps.
            ClassTransform java8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                    .andThen(ClassTransform.endHandler(b -> b.withVersion(JAVA_8, 0)));
            Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
                for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
                    byte[] bytes;
                    try (InputStream in = j.getInputStream(e)) {
                        bytes = in.readAllBytes();
                    }
                    if (isClass(e)) {
                        ClassModel model = cf.parse(bytes);
                        if (model.majorVersion() < STACK_MAPS) {
                            bytes = cf.transformClass(model, java8);
                        }
                    }
                    JarEntry o = new JarEntry(e.getName());
                    o.setTime(e.getTime());
                    out.putNextEntry(o);
                    out.write(bytes);
                    out.closeEntry();
                }
            }
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
