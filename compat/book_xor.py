import numpy as np
from minikeras.models import Sequential  # Kera的基础模型类
from minikeras.layers import Dense, Activation  # Dense是神经元的全连接层
from minikeras.optimizers import SGD  # 随机梯度下降,Keras中还有一些其他优化器
# Our examples for an exclusive OR.
x_train = np.array([[0, 0],[0, 1],[1, 0],[1, 1]])   # x_train是二维特征向量表示的训练样本列表
y_train = np.array([[0],[1],[1],[0]])   # y_train是每个特征向量样本对应的目标输出值
model = Sequential()
num_neurons = 10  # 全连接隐藏层包含10个神经元
model.add(Dense(num_neurons, input_dim=2))   #  input_dim仅在第一层中使用
model.add(Activation('tanh'))
model.add(Dense(1))   # 输出层包含一个神经元,输出结果是二分类值(0或1)
model.add(Activation('sigmoid'))
model.summary()

sgd = SGD(lr=0.1)
model.compile(loss='binary_crossentropy', optimizer=sgd, metrics=['accuracy'])

model.predict(x_train)

model.fit(x_train, y_train, epochs=100)   # 从这里开始训练模型

model.predict_classes(x_train)
model.predict(x_train)

import h5py
model_structure = model.to_json()  # 用Keras的辅助方法将网络结构导出为JSON blob类型以备后用
with open("basic_model.json", "w") as json_file:
    json_file.write(model_structure)
model.save_weights("basic_weights.h5")  # 训练好的权重必须被单独保存

from minikeras.models import model_from_json
with open("basic_model.json", "r") as json_file:
    json_string = json_file.read()
model = model_from_json(json_string)
model.load_weights('basic_weights.h5')
