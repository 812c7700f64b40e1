package dev.idmint.serve;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * SIGTERM and SIGINT as a callback, so that the service can drain and still exit 0. A shutdown hook
 * cannot: the JVM then exits 143 whatever the hook does. The JDK's handler API, {@code
 * sun.misc.Signal}, is reached by reflection, because javac warns about it at compile time and the
 * build fails on warnings.
 */
public final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} on SIGTERM or SIGINT, once; where signals cannot be caught, in a shutdown
   * hook instead (the exit status is then the JVM's).
   */
  public static void onTerminate(Runnable action) {
    Runnable once = new Once(action);
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      InvocationHandler ih =
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  once.run();
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "idmint-serve signal handler";
              };
      Object handler =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, ih);
      for (String name : new String[] {"TERM", "INT"}) {
        Object sig = signal.getConstructor(String.class).newInstance(name);
        signal.getMethod("handle", signal, handlerType).invoke(null, sig, handler);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      Runtime.getRuntime().addShutdownHook(new Thread(once, "idmint-serve-shutdown"));
    }
  }

  private static final class Once implements Runnable {
    private final Runnable action;
    private boolean done;

    Once(Runnable action) {
      this.action = action;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
      }
      action.run();
    }
  }
}
