package io.github.asyncio4j.junit;

import io.github.asyncio4j.EventLoop;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The JUnit 5 side of {@link AsyncioTest}: one {@link TestLoop} per test method, which receives the
 * {@link EventLoop} parameter, runs the body and reports what the test left behind. Registered by the annotation;
 * not meant to be used on its own.
 */
public final class AsyncioExtension implements InvocationInterceptor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AsyncioExtension.class);

    /** Made by JUnit, through {@link AsyncioTest}'s {@code @ExtendWith}. */
    public AsyncioExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EventLoop.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return testLoop(extensionContext).loop();
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        TestLoop testLoop = testLoop(extensionContext);
        extensionContext.getStore(NAMESPACE).remove(TestLoop.class);
        testLoop.run(invocation::proceed);
    }

    /** The test's loop: made when its parameter is resolved or when the body starts, whichever comes first. */
    private static TestLoop testLoop(ExtensionContext context) {
        AsyncioTest settings = context.getRequiredTestMethod().getAnnotation(AsyncioTest.class);
        if (settings == null) {
            throw new IllegalStateException("AsyncioExtension serves methods annotated @AsyncioTest, not "
                    + context.getRequiredTestMethod());
        }
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(TestLoop.class, k -> new TestLoop(settings.virtualTime()), TestLoop.class);
    }
}
